#include "ui/session/canvas_options.h"

namespace ss::ui {

const char* colourName(std::optional<ColourMode> mode) {
  if (!mode) return "auto";
  switch (*mode) {
    case ColourMode::Class:
      return "class";
    case ColourMode::Attribute:
      return "attribute";
    case ColourMode::Speed:
      return "speed";
  }
  return "auto";
}

bool parseColourName(const std::string& name, std::optional<ColourMode>& out) {
  if (name == "auto")
    out.reset();
  else if (name == "class")
    out = ColourMode::Class;
  else if (name == "attribute")
    out = ColourMode::Attribute;
  else if (name == "speed")
    out = ColourMode::Speed;
  else
    return false;
  return true;
}

const char* toString(FieldLength length) {
  switch (length) {
    case FieldLength::Normalized:
      return "normalized";
    case FieldLength::True:
      return "true";
    default:
      return "scaled";
  }
}

std::optional<FieldLength> parseFieldLength(const std::string& name) {
  for (auto l : {FieldLength::Scaled, FieldLength::Normalized, FieldLength::True})
    if (name == toString(l)) return l;
  return std::nullopt;
}

const char* toString(DensitySource s) { return s == DensitySource::Model ? "model" : "exact"; }

}  // namespace ss::ui
