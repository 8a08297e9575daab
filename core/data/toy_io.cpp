// The toy file formats: Gaussian mixtures as JSON, point sets as CSV. Every failure is an
// Error whose message starts with the path (and the line, for CSV) and names the problem.
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/common/atomic_file.h"
#include "core/data/toy.h"

namespace ss::data {

namespace {

namespace fs = std::filesystem;

Error fail(const std::string& where, const std::string& what) { return Error{where + ": " + what}; }

std::string show(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// Empty when `path` names a readable regular file.
std::string checkFile(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return "no such file";
  if (fs::is_directory(path, ec)) return "is a directory, not a file";
  return {};
}

// ---- JSON mixtures --------------------------------------------------------------------

constexpr const char* kMixtureShape =
    R"({"weights": [w, ...], "means": [[x, y], ...], "stds": [s, ...]})";

// A finite number at `where`, or a message.
std::string readNumber(const nlohmann::json& v, const std::string& where, double& out) {
  if (!v.is_number()) return where + " must be a number, got " + v.dump();
  out = v.get<double>();
  if (!std::isfinite(out)) return where + " = " + show(out) + " is not a finite number";
  return {};
}

// A component's means and stds beyond this scale are refused, not dropped: samples, scores and
// densities are float32 (and squared) downstream, so 1e300 would turn into inf or NaN there.
constexpr double kMixtureScale = 1e6;

std::string parseMixture(const nlohmann::json& j, GaussianMixture& gm) {
  if (!j.is_object()) return std::string("expected a JSON object ") + kMixtureShape;
  for (const char* field : {"weights", "means", "stds"}) {
    if (!j.contains(field))
      return std::string("missing field '") + field + "' (expected " + kMixtureShape + ")";
    if (!j[field].is_array()) return std::string("field '") + field + "' must be an array";
  }
  const auto& jw = j["weights"];
  const auto& jm = j["means"];
  const auto& js = j["stds"];
  const size_t k = jw.size();
  if (jm.size() != k || js.size() != k) {
    std::ostringstream s;
    s << "lengths differ: weights has " << k << ", means has " << jm.size() << ", stds has "
      << js.size() << " entries";
    return s.str();
  }
  if (k == 0) return "no components: weights, means and stds are empty";

  std::vector<double> w(k), m(2 * k), sd(k);
  for (size_t i = 0; i < k; ++i) {
    const std::string idx = "[" + std::to_string(i) + "]";
    if (auto e = readNumber(jw[i], "weights" + idx, w[i]); !e.empty()) return e;
    if (w[i] < 0) return "weights" + idx + " = " + show(w[i]) + " must not be negative";
    if (!jm[i].is_array() || jm[i].size() != 2)
      return "means" + idx + " must be a pair [x, y], got " + jm[i].dump();
    for (size_t c = 0; c < 2; ++c)
      if (auto e =
              readNumber(jm[i][c], "means" + idx + "[" + std::to_string(c) + "]", m[2 * i + c]);
          !e.empty())
        return e;
    for (size_t c = 0; c < 2; ++c)
      if (std::abs(m[2 * i + c]) > kMixtureScale)
        return "means" + idx + "[" + std::to_string(c) + "] = " + show(m[2 * i + c]) +
               ": component " + std::to_string(i) + "'s mean must lie within ±" +
               show(kMixtureScale);
    if (auto e = readNumber(js[i], "stds" + idx, sd[i]); !e.empty()) return e;
    if (sd[i] <= 0) return "stds" + idx + " = " + show(sd[i]) + " must be positive";
    if (sd[i] < 1 / kMixtureScale || sd[i] > kMixtureScale)
      return "stds" + idx + " = " + show(sd[i]) + ": component " + std::to_string(i) +
             "'s std must lie in [" + show(1 / kMixtureScale) + ", " + show(kMixtureScale) + "]";
  }
  double total = 0;
  for (double v : w) total += v;
  if (!(total > 0) || !std::isfinite(total))
    return "weights sum to " + show(total) + ": they must sum to a positive finite number";

  const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
  gm.weights = torch::tensor(w, f64) / total;
  gm.means = torch::tensor(m, f64).reshape({static_cast<int64_t>(k), 2});
  gm.stds = torch::tensor(sd, f64);
  return {};
}

// ---- CSV points -----------------------------------------------------------------------

std::string trim(const std::string& s) {
  const char* ws = " \t\r\n";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

std::vector<std::string> splitFields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string field;
  while (std::getline(ss, field, ',')) out.push_back(trim(field));
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

// True when the whole field is a number (from_chars also reads "nan" and "inf").
bool parseNumber(const std::string& field, double& out) {
  const char* b = field.data();
  const char* e = b + field.size();
  if (b != e && *b == '+') ++b;
  if (b == e) return false;
  auto r = std::from_chars(b, e, out);
  return r.ec == std::errc() && r.ptr == e;
}

}  // namespace

Expected<GaussianMixture> loadMixtureJson(const std::string& path) {
  if (auto e = checkFile(path); !e.empty()) return fail(path, e);
  std::ifstream in(path);
  if (!in) return fail(path, "cannot open for reading");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    return fail(path, std::string("invalid JSON: ") + e.what());
  }
  GaussianMixture gm;
  if (auto e = parseMixture(j, gm); !e.empty()) return fail(path, e);
  return gm;
}

Expected<torch::Tensor> loadPointsCsv(const std::string& path, torch::Tensor* labels) {
  if (auto e = checkFile(path); !e.empty()) return fail(path, e);
  std::ifstream in(path);
  if (!in) return fail(path, "cannot open for reading");

  std::vector<float> xy;
  std::vector<int64_t> label;
  std::string raw;
  int lineNo = 0;
  bool sawContent = false;
  size_t columns = 0;  // 2 or 3, fixed by the first row of numbers
  int columnsLine = 0;
  while (std::getline(in, raw)) {
    ++lineNo;
    const std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    const auto fields = splitFields(line);
    double v[3] = {0, 0, 0};
    bool numeric = fields.size() == 2 || fields.size() == 3;
    for (size_t c = 0; c < fields.size(); ++c) {
      double tmp = 0;
      if (!parseNumber(fields[c], tmp))
        numeric = false;
      else if (c < 3)
        v[c] = tmp;
    }
    const bool first = !sawContent;
    sawContent = true;
    const std::string where = path + ":" + std::to_string(lineNo);
    if (!numeric) {
      bool anyText = false;
      for (const auto& f : fields) {
        double ignored = 0;
        anyText |= !parseNumber(f, ignored);
      }
      if (first && anyText) continue;  // the header line
      if (fields.size() > 3)
        return fail(where, "expected two numbers 'x,y' (and an optional label), got " +
                               std::to_string(fields.size()) + " columns in '" + line + "'");
      return fail(where, "expected two numbers 'x,y', got '" + line + "'");
    }
    if (columns == 0) columns = fields.size(), columnsLine = lineNo;
    if (fields.size() != columns)
      return fail(where, "expected " + std::to_string(columns) + " columns as on line " +
                             std::to_string(columnsLine) + ", got " +
                             std::to_string(fields.size()) + " columns in '" + line + "'");
    for (int c = 0; c < 2; ++c)
      if (!std::isfinite(v[c]) || std::abs(v[c]) > std::numeric_limits<float>::max())
        return fail(where, "NaN or infinite value in '" + line + "'");
    if (columns == 3) {
      if (!(v[2] >= 0 && v[2] < kMaxCsvClasses && v[2] == std::floor(v[2])))
        return fail(where, "the label (third column) must be a class 0.." +
                               std::to_string(kMaxCsvClasses - 1) + ", got '" + fields[2] + "'");
      label.push_back(static_cast<int64_t>(v[2]));
    }
    xy.push_back(static_cast<float>(v[0]));
    xy.push_back(static_cast<float>(v[1]));
  }
  if (xy.empty())
    return fail(path, sawContent ? "no 'x,y' rows after the header" : "empty file: no 'x,y' rows");
  const auto rows = static_cast<int64_t>(xy.size() / 2);
  if (labels)
    *labels = label.empty() ? torch::zeros({rows}, torch::kLong)
                            : torch::from_blob(label.data(), {rows}, torch::kLong).clone();
  return torch::from_blob(xy.data(), {rows, 2}, torch::kFloat32).clone();
}

Expected<bool> writePointsCsv(const std::string& path, const torch::Tensor& x,
                              const std::vector<std::string>& columns) {
  if (columns.empty()) return fail(path, "no column names given");
  if (x.dim() != 2 || x.size(1) != static_cast<int64_t>(columns.size())) {
    std::ostringstream s;
    s << "expected an [M, " << columns.size() << "] tensor, got " << x.sizes();
    return fail(path, s.str());
  }
  const bool asFloat = x.scalar_type() == torch::kFloat32;
  const auto t =
      x.detach().to(torch::kCPU, asFloat ? torch::kFloat32 : torch::kFloat64).contiguous();

  return writeFileAtomic(path, [&](const std::string& tmp) {
    std::ofstream out(tmp, std::ios::trunc);
    for (size_t c = 0; c < columns.size(); ++c) out << (c ? "," : "") << columns[c];
    out << '\n';
    char buf[64];
    const int64_t m = t.size(0), cols = t.size(1);
    for (int64_t i = 0; i < m && out; ++i) {
      for (int64_t c = 0; c < cols; ++c) {
        // Shortest representation that reads back to the same value.
        auto r = asFloat ? std::to_chars(buf, buf + sizeof buf, t.data_ptr<float>()[i * cols + c])
                         : std::to_chars(buf, buf + sizeof buf, t.data_ptr<double>()[i * cols + c]);
        if (c) out << ',';
        out.write(buf, r.ptr - buf);
      }
      out << '\n';
    }
    out.flush();
    return static_cast<bool>(out);
  });
}

}  // namespace ss::data
