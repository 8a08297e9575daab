#include "ui/session/canvas_options.h"

#include "core/common/enum_names.h"

namespace ss::ui {

namespace {
constexpr EnumName<std::optional<ColourMode>> kColours[] = {{std::nullopt, "auto"},
                                                            {ColourMode::Class, "class"},
                                                            {ColourMode::Attribute, "attribute"},
                                                            {ColourMode::Speed, "speed"}};
constexpr EnumName<FieldLength> kLengths[] = {{FieldLength::Scaled, "scaled"},
                                              {FieldLength::Normalized, "normalized"},
                                              {FieldLength::True, "true"}};
constexpr EnumName<DensitySource> kSources[] = {{DensitySource::Exact, "exact"},
                                                {DensitySource::Model, "model"}};
}  // namespace

const char* colourName(std::optional<ColourMode> mode) { return nameOf(kColours, mode, "auto"); }

Expected<std::optional<ColourMode>> parseColourName(const std::string& name) {
  return parseName(kColours, name, "colour");
}

const char* toString(FieldLength length) { return nameOf(kLengths, length, "scaled"); }

Expected<FieldLength> parseFieldLength(const std::string& name) {
  return parseName(kLengths, name, "arrow length");
}

const char* toString(DensitySource s) { return nameOf(kSources, s, "exact"); }

Expected<DensitySource> parseDensitySource(const std::string& name) {
  return parseName(kSources, name, "density source");
}

}  // namespace ss::ui
