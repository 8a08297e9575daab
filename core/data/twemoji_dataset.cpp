// Twemoji, the optional colour image set: emoji.json and the 64 px PNGs of the npm package
// emoji-datasource-twitter (scripts/deps fetches it), one class per emoji category.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "core/data/image_dataset.h"
#include "core/data/image_dataset_detail.h"

namespace ss::data {

using namespace detail;

namespace {

constexpr int kTwemojiSize = 32;

}  // namespace

std::string twemojiDir() {
  std::string cache = env("XDG_CACHE_HOME");
  if (cache.empty() || cache[0] != '/') cache = homeDir() + "/.cache";  // relative: ignored (XDG)
  return cache + "/scorescope/emoji-datasource-twitter";
}

Expected<ImageDataset> loadTwemoji(const ImageLoadOptions& opt, const std::string& dir) {
  if (auto e = validate(opt); !e) return Error{"twemoji: " + e.error().message};
  std::string d = dir.empty() ? env("SCORESCOPE_TWEMOJI") : dir;
  if (d.empty()) d = twemojiDir();
  const fs::path json = fs::path(d) / "emoji.json", pngs = fs::path(d) / "img/twitter/64";
  std::error_code ec;
  if (!fs::is_regular_file(json, ec) || !fs::is_directory(pngs, ec))
    return fail(d,
                "Twemoji not found (no emoji.json and img/twitter/64/): run scripts/deps, which "
                "fetches emoji-datasource-twitter with npm, or set SCORESCOPE_TWEMOJI");
  return guarded(d, [&]() -> Expected<ImageDataset> {
    // image file name → category, skin-tone variations under their base emoji's category.
    std::map<std::string, std::string> category;
    try {
      std::ifstream in(json);
      const auto j = nlohmann::json::parse(in);
      if (!j.is_array()) return fail(json.string(), "expected a JSON array of emoji");
      auto add = [&](const nlohmann::json& e, const std::string& cat) {
        if (e.is_object() && e.contains("image") && e["image"].is_string())
          category.emplace(e["image"].get<std::string>(), cat);
      };
      for (const auto& e : j) {
        if (!e.is_object() || !e.contains("category") || !e["category"].is_string()) continue;
        const auto cat = e["category"].get<std::string>();
        add(e, cat);
        if (e.contains("skin_variations") && e["skin_variations"].is_object())
          for (const auto& [key, v] : e["skin_variations"].items()) add(v, cat);
      }
    } catch (const nlohmann::json::exception& e) {
      return fail(json.string(), std::string("invalid JSON: ") + e.what());
    }
    std::vector<std::pair<std::string, std::string>> found;  // path, category
    std::set<std::string> names;
    for (const auto& f : listDir(pngs, false)) {
      auto it = category.find(f.filename().string());
      if (it == category.end()) continue;  // not in emoji.json
      found.emplace_back(f.string(), it->second);
      names.insert(it->second);
    }
    if (found.empty()) return fail(pngs.string(), "none of the PNGs here is listed in emoji.json");
    ImageDataset ds;
    ds.name = "twemoji";
    ds.classNames.assign(names.begin(), names.end());
    std::vector<Item> items;
    for (const auto& [path, cat] : found)
      items.push_back({path, std::lower_bound(ds.classNames.begin(), ds.classNames.end(), cat) -
                                 ds.classNames.begin()});
    ImageLoadOptions o = opt;
    if (o.size == 0) o.size = kTwemojiSize;
    if (o.channels == 0) o.channels = 3;
    if (auto r = decodeItems(d, items, o, true, ds); !r) return r.error();
    return ds;
  });
}

}  // namespace ss::data
