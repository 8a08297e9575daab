// GLSL sources from shaders/, embedded at build time (cmake/EmbedShaders.cmake).
// With SCORESCOPE_SHADER_DIR set, sources are read from that directory instead, so a
// developer can edit shaders without rebuilding. UI thread.
#pragma once

#include <string>
#include <vector>

#include "core/common/error.h"

namespace ss::gl {

struct EmbeddedShader {
  const char* name;    // file name, e.g. "points.vert"
  const char* source;  // without a #version line
};

const std::vector<EmbeddedShader>& embeddedShaders();

// The source of `name` with "#version 330 core" prepended.
Expected<std::string> shaderSource(const std::string& name);

}  // namespace ss::gl
