// MaskPainter: the image explorer's inpainting mask painter. Draws the observed dataset image
// (the run's `source`, nearest filtering, as large as fits) with the unknown pixels hatched in
// a semi-transparent tint, a toolbar (brush, eraser, rectangle, lasso; brush size; undo, invert,
// clear, presets) and turns mouse drags in image coordinates into MaskEditor edits. Owns GL
// textures: UI thread with the context current, inside an ImGui window.
#pragma once

#include <cstdint>
#include <vector>

#include <imgui.h>

#include "core/scene/image_run.h"
#include "ui/gl/objects.h"
#include "ui/views/mask_editor.h"

namespace ss::ui {

enum class MaskTool { Brush, Eraser, Rectangle, Lasso };

class MaskPainter {
 public:
  // The tint of unknown pixels (RGB, 0–255) and its two hatch alphas (0–1), for tests.
  static constexpr unsigned char kTint[3] = {255, 96, 32};
  static constexpr float kAlphaStrong = 0.62f, kAlphaWeak = 0.38f;

  // Draws at the cursor, filling `width`×`height` pixels. `run` supplies the image and, when
  // the mask is empty or of another size, the mask to start from (its `mask`). Returns true
  // when the mask should be sent as a new inpainting run: Inpaint pressed, or with "re-run
  // on release" an edit finished.
  bool draw(const scene::ImageRunResult* run, float width, float height);

  MaskEditor& mask() { return m_mask; }
  const MaskEditor& mask() const { return m_mask; }
  MaskTool tool = MaskTool::Brush;
  float radius = 1.5f;  // brush and eraser radius, image pixels
  bool rerunOnRelease = true;

  // Where the image landed in the last draw (screen pixels): top-left corner and pixels per
  // image pixel. Tests map image pixels to the screenshot with these.
  ImVec2 imageOrigin() const { return m_origin; }
  float zoom() const { return m_zoom; }

 private:
  bool toolbar(int size, uint64_t seed);           // true: an edit to send
  bool canvas(float side, int size);               // true: a stroke finished
  bool stroke(MaskEditor::Point at, bool active);  // true: a stroke finished
  void drawPreview(ImVec2 p0, ImVec2 p1, MaskEditor::Point at, bool pointerOn) const;
  void uploadImage(const std::vector<float>& source, int channels, int size);
  void uploadOverlay();

  MaskEditor m_mask;
  gl::Texture2D m_image, m_overlay;
  std::vector<float> m_imageUploaded;
  uint64_t m_overlayRevision = ~0ull;
  int m_lastFrame = -10;  // ImGui frame of the last draw: a gap means the painter re-opened

  // The drag in progress, image pixels.
  bool m_dragging = false;
  uint8_t m_value = 0;                    // what the drag writes: 0 = unknown, 1 = known
  std::vector<MaskEditor::Point> m_path;  // brush: last point; rectangle: start; lasso: polygon
  int m_preset = 0;
  float m_right = 0;  // the painter's right edge, screen x: where the toolbar wraps
  ImVec2 m_origin{0, 0};
  float m_zoom = 1;
};

}  // namespace ss::ui
