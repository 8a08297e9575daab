#include "ui/offscreen_render.h"

#include <epoxy/gl.h>
#include <imgui.h>
#include <stb/stb_image_write.h>

#include <filesystem>

#include "ui/gl/objects.h"

namespace ss::ui {

Expected<RenderedImage> renderExplorer(UiContext& ui, const ExplorerState& state,
                                       std::shared_ptr<const scene::PointCloud> cloud, int width,
                                       int height, const FieldSource& fields, const RunView* run) {
  auto target = gl::Framebuffer::create(width, height);
  if (!target) return target.error();
  Canvas2D canvas;
  CanvasScene scene = makeCanvasScene(state, std::move(cloud), 1, run);
  RenderedImage image;
  // Two frames: ImGui settles window sizes on the first; the second is the one kept.
  for (int frame = 0; frame < 2; ++frame) {
    ui.beginHeadlessFrame(width, height);
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(static_cast<float>(width), static_cast<float>(height)));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::Begin("##render", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    canvas.draw(scene, state.canvas, {static_cast<float>(width), static_cast<float>(height)}, false);
    ImGui::End();
    ImGui::PopStyleVar();
    if (frame == 0 && fields) scene.field = fields(canvas.visibleWorld());
    target.value().bind();
    glClearColor(0, 0, 0, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ui.endHeadlessFrame();
  }
  if (!canvas.error().empty()) return Error{"canvas: " + canvas.error()};
  glFinish();
  image.width = width;
  image.height = height;
  image.rgba = target.value().readRgba();
  image.plot = canvas.geometry();
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  return image;
}

Expected<bool> writePng(const std::string& path, const RenderedImage& image) {
  namespace fs = std::filesystem;
  const fs::path out(path);
  std::error_code ec;
  if (out.has_parent_path() && !fs::exists(out.parent_path(), ec))
    return Error{path + ": folder " + out.parent_path().string() + " does not exist"};
  const std::string tmp = path + ".tmp";
  if (!stbi_write_png(tmp.c_str(), image.width, image.height, 4, image.rgba.data(), image.width * 4)) {
    fs::remove(tmp, ec);
    return Error{path + ": cannot write the PNG"};
  }
  fs::rename(tmp, out, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Error{path + ": " + ec.message()};
  }
  return true;
}

}  // namespace ss::ui
