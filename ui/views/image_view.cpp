#include "ui/views/image_view.h"

#include <imgui.h>

#include <cmath>

#include "ui/panels/widgets.h"
#include "ui/theme.h"

namespace ss::ui {

std::string imageSamplerTitle(const std::string& preset) {
  if (preset == "pc") return "reverse SDE · Euler–Maruyama";
  if (preset == "ald") return "annealed Langevin dynamics";
  if (preset == "ddpm") return "reverse SDE · ancestral (DDPM)";
  if (preset == "ode") return "probability-flow ODE · RK45";
  if (preset == "euler") return "probability-flow ODE · Euler";
  if (preset == "heun") return "probability-flow ODE · Heun";
  return preset;
}

void ImageView::draw(const ImageViewContent& c, float width, float height) {
  if (!c.run || c.run->frames.empty()) return;
  const ImVec2 origin = ImGui::GetCursorPos();
  const float stripH =
      c.strip ? InterpolationStrip::fitHeight(*c.strip, width, 0.35f * height) : 0.0f;
  const float gridH = height - stripH - c.bottomBand;
  if (c.compare) {
    // Two grids side by side on one timeline, each under the name of its sampler.
    const float half = std::floor(0.5f * width);
    const float titleH = ImGui::GetTextLineHeightWithSpacing() + 6;
    const scene::ImageRunResult* panes[2] = {c.run, c.compare};
    ImageGrid* grids[2] = {&m_grid, &m_compareGrid};
    for (int i = 0; i < 2; ++i) {
      ImGui::SetCursorPos(ImVec2(origin.x + (i == 0 ? 0 : half), origin.y));
      ImGui::BeginChild(i == 0 ? "##pane0" : "##pane1", ImVec2(i == 0 ? half : width - half, gridH),
                        false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
      ImGui::SetCursorPos(ImVec2(10, 6));
      ImGui::TextUnformatted(c.titles[i].c_str());
      ImGui::SetCursorPos(ImVec2(0, titleH));
      const auto* r = panes[i];
      const ImVec2 avail = ImGui::GetContentRegionAvail();
      if (!r->frames.empty())
        grids[i]->draw(*r, r->frameAt(c.t), avail.x, avail.y);
      else if (!r->error.empty())
        errorText(r->error);
      else
        ImGui::TextDisabled("  running…");
      ImGui::EndChild();
    }
    const ImVec2 o = ImGui::GetWindowPos();
    ImGui::GetWindowDrawList()->AddLine(ImVec2(o.x + origin.x + half, o.y + origin.y + 6),
                                        ImVec2(o.x + origin.x + half, o.y + origin.y + gridH - 6),
                                        canvasColours().dimText, 1.0f);
  } else {
    m_grid.draw(*c.run, c.run->frameAt(c.t), width, gridH);
  }
  if (c.strip) {
    ImGui::SetCursorPos(ImVec2(origin.x, origin.y + gridH));
    m_strip.draw(*c.strip, width, stripH);
  }
}

}  // namespace ss::ui
