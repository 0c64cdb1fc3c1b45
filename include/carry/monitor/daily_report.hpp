#pragma once
// The daily Markdown report (`reports/YYYY-MM-DD.md`), written from the store at 00:05 UTC for the
// day before. Three steps so each can run where it belongs:
//   load_daily_report_data(repo, date)  the store's rows for the day (on the store's writer thread:
//                                       `co_await store.run([=](store::Repo& r) { ... })`)
//   render_daily_report(data)           pure: Markdown text
//   write_daily_report(dir, data)       dir/YYYY-MM-DD.md (written to a temp file, then renamed)
// and the daemon's one-liner, write_daily_report(store, dir, date), which does the first and last
// steps on the store's writer thread so the event loop never blocks on the disk.
#include <carry/core/result.hpp>
#include <carry/store/repo.hpp>
#include <carry/store/store.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace carry::monitor {

struct DailyReportData {
  std::string date;                                      // "YYYY-MM-DD" (UTC)
  std::vector<store::FillRecord> fills;                  // ts_event within the day
  std::vector<store::FundingRecord> funding;             // settlements within the day
  std::vector<store::DailyPnlRecord> pnl;                // daily_pnl rows of the day
  std::vector<store::DecisionRecord> decisions;          // decisions of the day
  std::vector<store::PositionSnapshotRecord> positions;  // latest snapshots before the day's end
};

// invalid_argument for a date that is not YYYY-MM-DD; store errors as the Repo returns them.
Result<DailyReportData> load_daily_report_data(store::Repo& repo, std::string_view date);

std::string render_daily_report(const DailyReportData& data);

// Creates `reports_dir` if needed; returns the file written. io on failure.
Result<std::filesystem::path> write_daily_report(const std::filesystem::path& reports_dir, const DailyReportData& data);

// Loads, renders and writes on the store's writer thread (after everything queued before it is
// committed); completes on the caller's executor.
boost::asio::awaitable<Result<std::filesystem::path>> write_daily_report(store::Store& store,
                                                                         std::filesystem::path reports_dir,
                                                                         std::string date);

}  // namespace carry::monitor
