#include <carry/backtest/file_discovery.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace carry::backtest {
namespace {

enum class Role { Spot, Perp, Funding };

struct Candidate {
  Role role;
  std::string symbol;
  std::optional<Timeframe> timeframe;  // unset for funding
  std::filesystem::path path;
};

bool is_symbol_char(char c) {
  return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
}

// Recognises one file name; nullopt when it follows none of the patterns.
std::optional<Candidate> classify(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  if (name.size() < 4 || name.compare(name.size() - 4, 4, ".csv") != 0) return std::nullopt;
  const std::string_view stem(name.data(), name.size() - 4);
  static constexpr std::pair<std::string_view, Role> kMarkers[] = {
      {"spot_", Role::Spot}, {"perp_", Role::Perp}, {"funding_", Role::Funding}};
  for (const auto& [marker, role] : kMarkers) {
    // The marker starts the name or follows an underscore ("*_spot_").
    for (std::size_t at = stem.find(marker); at != std::string_view::npos; at = stem.find(marker, at + 1)) {
      if (at != 0 && stem[at - 1] != '_') continue;
      std::size_t i = at + marker.size();
      const std::size_t sym_begin = i;
      while (i < stem.size() && is_symbol_char(stem[i])) ++i;
      if (i == sym_begin) continue;
      Candidate c{role, std::string(stem.substr(sym_begin, i - sym_begin)), std::nullopt, path};
      if (role == Role::Funding) {
        if (i == stem.size() || stem[i] == '_') return c;  // *_funding_<SYMBOL>*.csv, symbol delimited
        continue;
      }
      if (i == stem.size() || stem[i] != '_') continue;
      ++i;
      for (Timeframe tf : {Timeframe::Tick, Timeframe::Minute1, Timeframe::Hour1}) {
        const std::string_view tok = to_string(tf);
        // `_1m*`: anything may follow the token, but not another letter/digit that would make a
        // different token ("_1mo").
        if (stem.substr(i, tok.size()) == tok &&
            (i + tok.size() == stem.size() || !std::isalnum(static_cast<unsigned char>(stem[i + tok.size()])))) {
          c.timeframe = tf;
          return c;
        }
      }
    }
  }
  return std::nullopt;
}

std::string role_name(Role r) {
  switch (r) {
    case Role::Spot:
      return "spot";
    case Role::Perp:
      return "perp";
    case Role::Funding:
      return "funding";
  }
  return "?";
}

std::string list_paths(const std::vector<const Candidate*>& cs) {
  std::string out;
  for (const Candidate* c : cs) out += (out.empty() ? "" : ", ") + c->path.filename().string();
  return out;
}

std::optional<Timeframe> timeframe_token_in_name(const std::filesystem::path& p) {
  if (auto c = classify(p); c && c->timeframe) return c->timeframe;
  const std::string name = p.filename().string();
  for (Timeframe tf : {Timeframe::Tick, Timeframe::Minute1, Timeframe::Hour1}) {
    const std::string tok = "_" + std::string(to_string(tf));
    for (std::size_t at = name.find(tok); at != std::string::npos; at = name.find(tok, at + 1)) {
      const std::size_t after = at + tok.size();
      if (after == name.size() || !std::isalnum(static_cast<unsigned char>(name[after]))) return tf;
    }
  }
  return std::nullopt;
}

// The data files in `dir`, sorted by path: directory order is unspecified, messages and results are not.
DataResult<std::vector<Candidate>> list_candidates(const std::filesystem::path& dir, const std::string& dir_name) {
  std::error_code ec;
  std::vector<Candidate> all;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    if (auto c = classify(it->path())) all.push_back(std::move(*c));
  }
  if (ec) return DataError{dir_name, 0, "cannot list: " + ec.message()};
  std::sort(all.begin(), all.end(), [](const Candidate& a, const Candidate& b) { return a.path < b.path; });

  return all;
}

// --symbols upper-cased, deduplicated and sorted; without it every symbol found.
std::vector<std::string> wanted_symbols(const DiscoveryOptions& opts, const std::set<std::string>& found) {
  std::vector<std::string> wanted;
  if (opts.symbols.empty()) {
    wanted.assign(found.begin(), found.end());
  } else {
    for (std::string s : opts.symbols) {
      std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::toupper(ch); });
      if (std::find(wanted.begin(), wanted.end(), s) == wanted.end()) wanted.push_back(std::move(s));
    }
    std::sort(wanted.begin(), wanted.end());
  }

  return wanted;
}

}  // namespace

DataResult<std::vector<SymbolFiles>> discover_symbol_files(const std::filesystem::path& dir,
                                                           const DiscoveryOptions& opts) {
  const std::string dir_name = dir.string();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return DataError{dir_name, 0, "not a directory"};

  auto listed = list_candidates(dir, dir_name);
  if (!listed) return listed.error();
  const std::vector<Candidate>& all = *listed;

  std::set<std::string> found;
  for (const Candidate& c : all) found.insert(c.symbol);
  const std::vector<std::string> wanted = wanted_symbols(opts, found);
  if (wanted.empty()) return DataError{dir_name, 0, "no *_spot_*, *_perp_* or *_funding_* CSV files"};

  std::vector<SymbolFiles> out;
  for (const std::string& sym : wanted) {
    if (!found.contains(sym)) {
      std::string known;
      for (const std::string& f : found) known += (known.empty() ? "" : ", ") + f;
      return DataError{dir_name, 0,
                       "unknown symbol " + sym + ": no *_spot_" + sym + "_*, *_perp_" + sym + "_* or *_funding_" + sym +
                           "*.csv file (symbols found: " + (known.empty() ? "none" : known) + ")"};
    }
    std::map<Timeframe, std::vector<const Candidate*>> spot, perp;
    std::vector<const Candidate*> funding;
    for (const Candidate& c : all) {
      if (c.symbol != sym) continue;
      if (c.role == Role::Spot)
        spot[*c.timeframe].push_back(&c);
      else if (c.role == Role::Perp)
        perp[*c.timeframe].push_back(&c);
      else
        funding.push_back(&c);
    }
    const auto timeframes = [](const std::map<Timeframe, std::vector<const Candidate*>>& m) {
      std::string s;
      for (const auto& [tf, cs] : m) s += (s.empty() ? "" : ", ") + std::string(to_string(tf)) + ": " + list_paths(cs);
      return s.empty() ? std::string("none") : s;
    };
    if (spot.empty()) return DataError{dir_name, 0, sym + ": no spot price file (*_spot_" + sym + "_<bbo|1m|1h>*.csv)"};
    if (perp.empty()) return DataError{dir_name, 0, sym + ": no perp price file (*_perp_" + sym + "_<bbo|1m|1h>*.csv)"};
    if (funding.empty()) return DataError{dir_name, 0, sym + ": no funding file (*_funding_" + sym + "*.csv)"};

    std::optional<Timeframe> tf = opts.timeframe;
    if (tf) {
      if (!spot.contains(*tf) || !perp.contains(*tf))
        return DataError{dir_name, 0,
                         sym + ": no " + std::string(spot.contains(*tf) ? "perp" : "spot") + " file at timeframe " +
                             std::string(to_string(*tf)) + " (spot: " + timeframes(spot) +
                             "; perp: " + timeframes(perp) + ")"};
    } else {
      for (const auto& [t, cs] : spot)  // std::map: finest first
        if (perp.contains(t)) {
          tf = t;
          break;
        }
      if (!tf)
        return DataError{dir_name, 0,
                         sym + ": spot and perp files share no timeframe (spot: " + timeframes(spot) +
                             "; perp: " + timeframes(perp) + ")"};
    }
    const auto pick = [&](Role role, const std::vector<const Candidate*>& cs) -> DataResult<std::filesystem::path> {
      if (cs.size() == 1) return cs.front()->path;
      return DataError{dir_name, 0,
                       sym + ": ambiguous " + role_name(role) + " file" +
                           (role == Role::Funding ? std::string() : " at " + std::string(to_string(*tf))) +
                           ", candidates: " + list_paths(cs) + " (name one with --" + role_name(role) + " FILE)"};
    };
    auto s = pick(Role::Spot, spot[*tf]);
    if (!s) return s.error();
    auto p = pick(Role::Perp, perp[*tf]);
    if (!p) return p.error();
    auto f = pick(Role::Funding, funding);
    if (!f) return f.error();
    out.push_back(SymbolFiles{sym, *s, *p, *f, tf, tf});
  }
  return out;
}

DataResult<SymbolFiles> explicit_symbol_files(std::string symbol, const std::filesystem::path& spot,
                                              const std::filesystem::path& perp, const std::filesystem::path& funding) {
  for (const auto& [flag, path] :
       {std::pair{"--spot", &spot}, std::pair{"--perp", &perp}, std::pair{"--funding", &funding}}) {
    std::error_code ec;
    if (path->empty()) return DataError{flag, 0, "missing file name"};
    if (!std::filesystem::is_regular_file(*path, ec))
      return DataError{path->string(), 0, std::string("no such file (") + flag + ")"};
  }
  std::transform(symbol.begin(), symbol.end(), symbol.begin(), [](unsigned char ch) { return std::toupper(ch); });
  return SymbolFiles{
      std::move(symbol), spot, perp, funding, timeframe_token_in_name(spot), timeframe_token_in_name(perp)};
}

}  // namespace carry::backtest
