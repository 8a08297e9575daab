// Draws a PointCloud's particles at the forward marginal x(t) = a·x0 + σ·ε: the buffers are
// uploaded once per cloud, and a(t), σ(t) are uniforms, so scrubbing t costs no upload.
// UI thread, current GL context.
#pragma once

#include <optional>
#include <string>

#include "core/common/error.h"
#include "core/scene/point_cloud.h"
#include "ui/gl/objects.h"
#include "ui/session/canvas_options.h"
#include "ui/views/camera2d.h"

namespace ss::ui {

// How particles are coloured: by class (categorical), by a per-particle attribute in [0, 1]
// (viridis), or by speed ‖dx/dt‖ (viridis up to Params::speedMax, see Params::dadt).

class PointRenderer {
 public:
  static Expected<PointRenderer> create();

  // Re-uploads only when `version` differs from the last upload.
  void upload(const scene::PointCloud& cloud, uint64_t version);

  struct Params {
    float a = 1, sigma = 0;  // marginal coefficients at the shown t
    Camera2D camera;         // in logical pixels
    Vec2 viewport;           // logical pixels
    float pointSize = 3;     // framebuffer pixels
    float alpha = 0.7f;
    ColourMode colourMode = ColourMode::Class;
    int numClasses = 1;
    // Speed colouring: a particle moves at dx/dt = dadt·x0 + dsdt·ε (the forward path's
    // a′(t), σ′(t); a run cloud keeps its velocity in ε with dadt = 0, dsdt = 1), coloured
    // from 0 to speedMax.
    float dadt = 0, dsdt = 0, speedMax = 1;
  };
  // Draws into the bound framebuffer (blending on, viewport set by the caller).
  void draw(const Params& p) const;

  size_t count() const { return m_count; }

 private:
  gl::Program m_program;
  gl::VertexArray m_vao;
  gl::Buffer m_x0, m_noise, m_colour, m_label;
  size_t m_count = 0;
  uint64_t m_version = ~0ull;
};

// The categorical palette (Tableau 10, brightened for dark backgrounds), RGB in [0, 1].
const float* categoricalPalette();  // 10 × 3 floats

}  // namespace ss::ui
