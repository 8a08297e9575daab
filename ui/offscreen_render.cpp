#include "ui/offscreen_render.h"

#include <epoxy/gl.h>
#include <imgui.h>
#include <stb/stb_image_write.h>

#include <filesystem>
#include <functional>

#include "core/common/atomic_file.h"
#include "ui/gl/objects.h"
#include "ui/views/compare_view.h"

namespace ss::ui {

namespace {

// Two ImGui frames into an offscreen target (the first settles window sizes; the second is
// kept), `draw(frame)` filling a borderless window the size of the image.
// `transparent`: no window background and a clear alpha of 0 (PNG exports for slides).
Expected<RenderedImage> renderWindow(UiContext& ui, int width, int height,
                                     const std::function<void(int)>& draw,
                                     bool transparent = false) {
  auto target = gl::Framebuffer::create(width, height);
  if (!target) return target.error();
  for (int frame = 0; frame < 2; ++frame) {
    ui.beginHeadlessFrame(width, height);
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(static_cast<float>(width), static_cast<float>(height)));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::Begin("##render", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus |
                     (transparent ? ImGuiWindowFlags_NoBackground : 0));
    draw(frame);
    ImGui::End();
    ImGui::PopStyleVar();
    target.value().bind();
    glClearColor(0, 0, 0, transparent ? 0.0f : 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ui.endHeadlessFrame();
  }
  glFinish();
  RenderedImage image;
  image.width = width;
  image.height = height;
  image.rgba = target.value().readRgba();
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  return image;
}

}  // namespace

Expected<RenderedImage> renderExplorer(UiContext& ui, const ExplorerState& state,
                                       std::shared_ptr<const scene::PointCloud> cloud, int width,
                                       int height, const FieldSource& fields, const RunView* run) {
  Canvas2D canvas;
  CanvasScene scene = makeCanvasScene(state, std::move(cloud), 1, run);
  auto image = renderWindow(
      ui, width, height,
      [&](int frame) {
        canvas.draw(scene, state.canvas, {static_cast<float>(width), static_cast<float>(height)},
                    false);
        if (frame == 0 && fields) scene.field = fields(canvas.visibleWorld());
      },
      state.canvas.transparentBackground);
  if (!canvas.error().empty()) return Error{"canvas: " + canvas.error()};
  if (image) image.value().plot = canvas.geometry();
  return image;
}

Expected<RenderedImage> renderCompare(UiContext& ui, const ExplorerState& state,
                                      std::shared_ptr<const scene::PointCloud> cloud,
                                      const std::vector<const RunView*>& views, int width,
                                      int height) {
  CompareView view;
  ExplorerState shown = state;
  auto image = renderWindow(
      ui, width, height,
      [&](int) {
        view.draw(shown, cloud, 1, views, {static_cast<float>(width), static_cast<float>(height)},
                  false);
      },
      state.canvas.transparentBackground);
  if (!view.error().empty()) return Error{"canvas: " + view.error()};
  if (image) {
    image.value().panes = view.geometries();
    if (!image.value().panes.empty()) image.value().plot = image.value().panes.front();
  }
  return image;
}

Expected<RenderedImage> renderImageView(UiContext& ui, const ImageViewContent& content, int width,
                                        int height) {
  ImageView view;
  return renderWindow(ui, width, height, [&](int) {
    view.draw(content, static_cast<float>(width), static_cast<float>(height));
  });
}

Expected<bool> writePng(const std::string& path, const RenderedImage& image) {
  return writeFileAtomic(path, [&](const std::string& tmp) {
    return stbi_write_png(tmp.c_str(), image.width, image.height, 4, image.rgba.data(),
                          image.width * 4) != 0;
  });
}

}  // namespace ss::ui
