#include "ui/views/image_grid.h"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>

#include "ui/theme.h"

namespace ss::ui {

namespace {

// "   running, ~12 s left" once the time left is over a few seconds; "   running" before.
std::string runningNote(const scene::ImageRunResult& run) {
  if (run.done) return "";
  if (run.secondsLeft < 3) return "   running";
  return "   running, ~" + std::to_string(static_cast<int>(std::lround(run.secondsLeft))) +
         " s left";
}

}  // namespace

int ImageGrid::columns(int64_t n) {
  return std::max(
      1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(std::max<int64_t>(n, 1))))));
}

// Cell = two tiles of S pixels and a gap of S/4 between cells, at an integer zoom when it fits.
float ImageGrid::layoutZoom(const scene::ImageRunResult& run, float width, float height,
                            float header) {
  const int S = std::max(1, run.size), cols = columns(run.n);
  const int rows = static_cast<int>((run.n + cols - 1) / cols);
  const float gap = std::max(2.0f, S / 4.0f);
  const float unitW = cols * (2.0f * S) + (cols - 1) * gap;
  const float unitH = rows * static_cast<float>(S) + (rows - 1) * gap;
  float zoom = std::min((width - 16) / unitW, (height - header - 8) / unitH);
  if (zoom >= 1.0f) zoom = std::floor(zoom);
  return std::max(zoom, 0.25f);
}

float ImageGrid::fitWidth(const scene::ImageRunResult& run, float maxWidth, float height) {
  if (run.size <= 0 || run.n <= 0) return maxWidth;
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float zoom = layoutZoom(run, maxWidth, height, 2 * line + 8);
  if (zoom < 1.0f) return maxWidth;
  const int S = run.size, cols = columns(run.n);
  return zoom * (cols * (2.0f * S) + (cols - 1) * std::max(2.0f, S / 4.0f)) + 16;
}

void ImageGrid::draw(const scene::ImageRunResult& run,
                     const std::shared_ptr<const scene::ImageFrame>& frame, float width,
                     float height) {
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const int S = run.size;
  if (!frame || S <= 0 || run.n <= 0) return;
  const int cols = columns(run.n);
  const int rows = static_cast<int>((run.n + cols - 1) / cols);
  if (frame.get() != m_uploaded) {
    m_x.upload(frame->x, run.n, run.channels, S, cols);
    m_x0.upload(frame->x0, run.n, run.channels, S, cols);
    m_uploaded = frame.get();
    m_keep = frame;
  }
  const bool observed = !run.observation.empty();
  if (observed && run.observation != m_obsUploaded) {
    m_obs.upload(run.observation, 1, run.channels, S, 1);
    m_obsUploaded = run.observation;
  }

  // Labels, with the observation's tile to their right.
  char caption[256];
  std::snprintf(caption, sizeof caption, "t = %.3f   σ(t) = %.3f   step %lld   NFE %lld%s",
                frame->t, frame->sigma, static_cast<long long>(frame->step),
                static_cast<long long>(frame->nfe), runningNote(run).c_str());
  const ImU32 text = canvasColours().text, dim = canvasColours().dimText;
  const float obsSide = std::max(2 * line, static_cast<float>(S) * std::floor(2 * line / S));
  // The captions wrap left of the observation (a narrow grid: the mask painter beside it).
  const float obsWidth = observed ? obsSide + ImGui::CalcTextSize("observed").x + 14 : 0;
  const float wrap = std::max(8 * line, width - 16 - obsWidth);
  const char* legend = "each cell: x_t (left) | its Tweedie estimate of x_0 = (x + σ² s)/a (right)";
  ImFont* font = ImGui::GetFont();
  const float fs = ImGui::GetFontSize();
  const float h1 = font->CalcTextSizeA(fs, FLT_MAX, wrap, caption).y;
  const float h2 = font->CalcTextSizeA(fs, FLT_MAX, wrap, legend).y;
  dl->AddText(font, fs, ImVec2(origin.x + 8, origin.y + 4), text, caption, nullptr, wrap);
  dl->AddText(font, fs, ImVec2(origin.x + 8, origin.y + 4 + h1 + (line - fs)), dim, legend, nullptr,
              wrap);
  float header = std::max(2 * line, h1 + h2 + (line - fs)) + 8;
  if (observed) {
    const ImVec2 p0(origin.x + width - obsSide - 8, origin.y + 4);
    dl->AddText(ImVec2(p0.x - ImGui::CalcTextSize("observed").x - 6, p0.y), dim, "observed");
    dl->AddImage(m_obs.id(), p0, ImVec2(p0.x + obsSide, p0.y + obsSide));
    header = std::max(header, obsSide + 8);
  }

  const float gap = std::max(2.0f, S / 4.0f);
  const float availH = height - header - 8;
  const float zoom = layoutZoom(run, width, height, header);
  const float tile = S * zoom, g = gap * zoom;
  const float gridW = cols * 2 * tile + (cols - 1) * g, gridH = rows * tile + (rows - 1) * g;
  const ImVec2 start(origin.x + std::max(8.0f, (width - gridW) / 2),
                     origin.y + header + std::max(0.0f, (availH - gridH) / 2));
  for (int64_t i = 0; i < run.n; ++i) {
    const int c = static_cast<int>(i % cols), r = static_cast<int>(i / cols);
    const ImVec2 p(start.x + c * (2 * tile + g), start.y + r * (tile + g));
    ImVec2 uv0, uv1;
    m_x.tileUv(static_cast<int>(i), &uv0, &uv1);
    dl->AddImage(m_x.id(), p, ImVec2(p.x + tile, p.y + tile), uv0, uv1);
    dl->AddImage(m_x0.id(), ImVec2(p.x + tile, p.y), ImVec2(p.x + 2 * tile, p.y + tile), uv0, uv1);
    dl->AddLine(ImVec2(p.x + tile, p.y), ImVec2(p.x + tile, p.y + tile), dim);
  }
  ImGui::Dummy(ImVec2(width, height));
}

}  // namespace ss::ui
