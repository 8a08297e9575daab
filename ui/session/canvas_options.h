// What the 2D canvas is asked to show: its layers' options (points, fields, density, error
// map, camera box) and the names scene files and the command line give them. Plain data,
// GL-free: the session model (ui/session/) holds it, the canvas (ui/views/) draws it.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "core/common/error.h"

namespace ss::ui {

// The plot a request is drawn into: the world box it shows (xmin, ymin, xmax, ymax) and its
// width in pixels (logical pixels in the window, image pixels in an export).
struct Viewport {
  std::array<float, 4> bounds{-1, -1, 1, 1};
  float widthPx = 0;
  bool operator==(const Viewport&) const = default;
};

// How particles are coloured: by class, by where they start (attribute), or by speed.
enum class ColourMode { Class = 0, Attribute = 1, Speed = 2 };
// Scene-file and command-line names: auto (no mode: by class when there are 2..10 classes),
// class, attribute, speed. A parse error names the text and lists the names.
const char* colourName(std::optional<ColourMode> mode);
Expected<std::optional<ColourMode>> parseColourName(const std::string& name);

// How score arrows encode magnitude: length ∝ magnitude up to a cell (colour = which field),
// all the same length with the magnitude as colour, or true length s·Δ in world units.
enum class FieldLength { Scaled, Normalized, True };
const char* toString(FieldLength length);  // "scaled", "normalized", "true"
Expected<FieldLength> parseFieldLength(const std::string& name);

// Where the density heatmap comes from: the closed form of the data (instant), or the
// trained model through the probability-flow ODE (a worker refines it coarse to fine).
enum class DensitySource { Exact, Model };
const char* toString(DensitySource s);  // "exact", "model"
Expected<DensitySource> parseDensitySource(const std::string& name);

struct CanvasOptions {
  float pointSize = 4.0f;  // logical pixels
  float alpha = 0.8f;
  std::optional<ColourMode> colourMode;  // empty: by class when there are 2..10 classes
  bool showGrid = true;
  bool showMeans = false;     // mixture means as crosses
  bool followSpread = false;  // re-frame every frame to a(t)·data ± 2.5σ(t) (VE grows to σmax)
  bool showLearnedField = true;   // arrows of the learned score (when a model exists)
  bool showExactField = false;    // arrows of the exact score beside it
  bool showTrails = true;         // reverse modes: paths of the traced particles up to t
  int fieldResolution = 24;       // arrows across the view
  bool fieldDifference = false;   // with both fields: draw s_θ − ∇log p_t instead of the two
  bool fieldStreamlines = false;  // probability-flow streamlines instead of score arrows
  FieldLength fieldLength = FieldLength::Scaled;
  float arrowScale = 0.05f;  // FieldLength::True: an arrow is s·Δ world units, Δ = arrowScale
  bool showDensity = false;  // heatmap of the exact p_t under the particles
  bool logDensity = true;    // colour by log p_t (8 nats below the peak → dark)
  DensitySource densitySource = DensitySource::Exact;
  bool showScoreError = false;  // heatmap of p_t·‖s_θ − ∇log p_t‖² instead (needs a model)
  // The world box (xmin, ymin, xmax, ymax) a fit frames (a scene's camera); empty: the
  // data's bounds with the unit prior disc.
  std::optional<std::array<float, 4>> view;
  // Exports: no background behind the plot (PNG alpha 0 where nothing is drawn).
  bool transparentBackground = false;
};

}  // namespace ss::ui
