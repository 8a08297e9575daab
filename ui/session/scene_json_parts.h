// One JSON round trip per part of a scene (the SDE, a sampler, compare panes, layers, the
// camera, the image run), read leniently with warnings (json_section.h) and written in a
// stable order; scene_file.cpp composes them. Internal to ui/session. Any thread.
#pragma once

#include <string>
#include <vector>

#include "ui/session/json_section.h"
#include "ui/session/scene_file.h"

namespace ss::ui {

json sdeJson(const sde::SdeConfig& c);
void readSde(const json& root, sde::SdeConfig& c, std::vector<std::string>& w);

json samplerJson(const sample::SamplerConfig& s, const std::string& preset);
void readSampler(const json& root, sample::SamplerConfig& c, std::string& preset,
                 std::vector<std::string>& w);

json compareJson(const CompareSpec& c);
// Compare mode: {"enabled", "overlay", "picked", "panes": [{"mode": "sde"|"ode",
// "sampler": {...as the scene's sampler...}, "use_model"}]} (2 or 3 panes).
void readCompare(const json& c, Scene& scene, std::vector<std::string>& w);

json layersJson(const CanvasOptions& c);
void readLayers(const json& root, Scene& scene, std::vector<std::string>& w);

json cameraJson(const CanvasOptions& c);
void readCamera(const json& root, Scene& scene, std::vector<std::string>& w);

json imagesJson(const Scene& scene);
void readImages(const json& root, Scene& scene, std::vector<std::string>& w,
                const std::string& baseDir);

}  // namespace ss::ui
