#include "ui/gl/shader_source.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ss::gl {

Expected<std::string> shaderSource(const std::string& name) {
  static const std::string kHeader = "#version 330 core\n";
  if (const char* dir = std::getenv("SCORESCOPE_SHADER_DIR"); dir && *dir) {
    std::ifstream in(std::string(dir) + "/" + name);
    if (!in) return Error{"shader " + name + " not found in SCORESCOPE_SHADER_DIR=" + dir};
    std::ostringstream s;
    s << in.rdbuf();
    return kHeader + s.str();
  }
  for (const auto& shader : embeddedShaders())
    if (name == shader.name) return kHeader + shader.source;
  return Error{"no embedded shader named " + name};
}

}  // namespace ss::gl
