#include <carry/app/backtest_sweep.hpp>

#include "backtest_report.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <mutex>
#include <sstream>
#include <thread>

namespace carry::app {
namespace fs = std::filesystem;

std::vector<SweepPoint> sweep_grid(const std::vector<CliOptions::Sweep>& sweeps) {
  std::vector<SweepPoint> grid;
  if (sweeps.empty()) return grid;
  grid.emplace_back();
  for (const auto& s : sweeps) {
    std::vector<SweepPoint> next;
    next.reserve(grid.size() * s.values.size());
    for (const auto& point : grid)
      for (const auto& v : s.values) {
        SweepPoint p = point;
        p.emplace_back(s.key, v);
        next.push_back(std::move(p));
      }
    grid = std::move(next);
  }
  return grid;
}

std::string sweep_env_name(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '.')
      out += "__";
    else
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::vector<std::size_t> rank_sweep(const std::vector<SweepResult>& results) {
  std::vector<std::size_t> order(results.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& ra = results[a];
    const auto& rb = results[b];
    if (ra.error.empty() != rb.error.empty()) return ra.error.empty();
    if (ra.summary.net_pnl != rb.summary.net_pnl) return ra.summary.net_pnl > rb.summary.net_pnl;
    return ra.summary.max_drawdown < rb.summary.max_drawdown;
  });
  return order;
}

namespace {

// Amounts as the summary line and the report print them.
const auto& money = report_money;
std::string percent(double v) { return report_fixed(v * 100, 2) + "%"; }

// One row's cells, the table's and the CSV's alike.
std::vector<std::string> row(std::size_t rank, const SweepResult& r) {
  std::vector<std::string> cells{std::to_string(rank)};
  for (const auto& [key, value] : r.point) cells.push_back(value);
  if (!r.error.empty()) {
    cells.insert(cells.end(), {"error", "", "", "", "", "", "", "", "", r.error});
    return cells;
  }
  const auto& s = r.summary;
  cells.insert(cells.end(),
               {money(s.net_pnl), money(s.baseline_net), s.vs_baseline(), percent(s.apr), money(s.max_drawdown),
                std::to_string(s.trades), percent(s.time_in_market), money(s.funding_pnl), money(s.fees), ""});
  return cells;
}

std::vector<std::string> header(const std::vector<SweepResult>& results) {
  std::vector<std::string> h{"rank"};
  if (!results.empty())
    for (const auto& [key, value] : results.front().point) h.push_back(key);
  h.insert(h.end(), {"net_pnl", "baseline_net", "vs_baseline", "apr", "max_drawdown", "trades", "time_in_market",
                     "funding_pnl", "fees", "error"});
  return h;
}

std::string csv_cell(const std::string& c) {
  if (c.find_first_of(",\"\n") == std::string::npos) return c;
  std::string q = "\"";
  for (char ch : c) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}

}  // namespace

std::string sweep_table(const std::vector<SweepResult>& results, const std::vector<std::size_t>& ranking) {
  std::vector<std::vector<std::string>> rows{header(results)};
  for (std::size_t i = 0; i < ranking.size(); ++i) rows.push_back(row(i + 1, results[ranking[i]]));
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size() && c < width.size(); ++c) width[c] = std::max(width[c], r[c].size());
  std::ostringstream os;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t c = 0; c < r.size(); ++c) {
      if (c) line += "  ";
      line += c + 1 == r.size() ? r[c] : r[c] + std::string(width[c] - r[c].size(), ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    os << line << "\n";
  }
  return os.str();
}

std::string sweep_csv(const std::vector<SweepResult>& results, const std::vector<std::size_t>& ranking) {
  std::ostringstream os;
  auto write = [&os](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) os << (c ? "," : "") << csv_cell(cells[c]);
    os << "\n";
  };
  write(header(results));
  for (std::size_t i = 0; i < ranking.size(); ++i) write(row(i + 1, results[ranking[i]]));
  return os.str();
}

namespace {

// Every point's configuration, loaded (and so checked) before anything runs.
std::vector<config::Config> load_grid(const std::vector<SweepPoint>& grid, const config::LoadOptions& base) {
  const auto known = config::known_keys();
  for (const auto& [key, value] : grid.front())
    if (std::find(known.begin(), known.end(), key) == known.end())
      throw config::ConfigError("--sweep: unknown configuration key '" + key + "'");
  std::vector<config::Config> out;
  out.reserve(grid.size());
  for (const auto& point : grid) {
    config::LoadOptions o = base;
    std::string named;
    for (const auto& [key, value] : point) {
      o.environment[sweep_env_name(key)] = value;
      named += (named.empty() ? "" : " ") + key + "=" + value;
    }
    try {
      out.push_back(config::load(o).config);
    } catch (const config::ConfigError& e) {
      throw config::ConfigError("--sweep " + named + ": " + e.what());
    }
  }
  return out;
}

class Progress {
 public:
  Progress(std::ostream& err, std::size_t total) : err_(err), total_(total) { draw(); }
  void step() {
    std::lock_guard lock(mu_);
    ++done_;
    draw();
    if (done_ == total_) err_ << "\n";
  }

 private:
  void draw() {
    constexpr std::size_t kWidth = 30;
    const std::size_t filled = total_ ? done_ * kWidth / total_ : kWidth;
    err_ << "\rsweep " << done_ << "/" << total_ << " [" << std::string(filled, '#')
         << std::string(kWidth - filled, ' ') << "]" << std::flush;
  }
  std::ostream& err_;
  std::size_t total_, done_ = 0;
  std::mutex mu_;
};

}  // namespace

int run_sweep(const CliOptions& cli, const config::LoadOptions& base, std::ostream& out, std::ostream& err) {
  const auto grid = sweep_grid(cli.sweeps);
  std::vector<config::Config> configs;
  try {
    configs = load_grid(grid, base);
  } catch (const config::ConfigError& e) {
    err << "carryd: " << e.what() << "\n";
    return 2;
  }
  const fs::path root = cli.out_dir.value_or(configs.front().backtest.out_dir);
  // The data is read once per worker, unless a swept key changes what is read (backtest.*).
  bool shared_data = true;
  for (const auto& s : cli.sweeps) shared_data = shared_data && !s.key.starts_with("backtest.");
  std::ostringstream info;
  BacktestData first = load_backtest_data(cli, configs.front(), info);  // bad data: thrown before any run
  err << info.str();

  std::vector<SweepResult> results(grid.size());
  std::atomic<std::size_t> next{0};
  Progress progress(err, grid.size());
  auto worker = [&](BacktestData data) {
    for (std::size_t i = next++; i < grid.size(); i = next++) {
      SweepResult& r = results[i];
      r.point = grid[i];
      CliOptions c = cli;
      std::ostringstream run_dir;
      run_dir << "run-" << std::setw(3) << std::setfill('0') << i + 1;
      c.out_dir = (root / "sweep" / run_dir.str()).string();
      try {
        if (!shared_data) {
          std::ostringstream ignored;
          data = load_backtest_data(c, configs[i], ignored);
        }
        r.summary = run_backtest(data, c, configs[i]).summary;
      } catch (const std::exception& e) {
        r.error = e.what();
      }
      progress.step();
    }
  };
  const std::size_t threads =
      std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, std::max<std::size_t>(grid.size(), 1));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker, first);
  worker(std::move(first));
  for (auto& t : pool) t.join();

  const auto ranking = rank_sweep(results);
  out << sweep_table(results, ranking);
  fs::create_directories(root);
  const fs::path csv = root / "sweep.csv";
  std::ofstream(csv) << sweep_csv(results, ranking);
  err << "sweep table: " << csv.string() << "\n";
  for (const auto& r : results)
    if (!r.error.empty()) return 1;
  return 0;
}

}  // namespace carry::app
