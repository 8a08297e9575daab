#include "ui/views/point_renderer.h"

#include <vector>

namespace ss::ui {

const float* categoricalPalette() {
  static const float k[30] = {
      0.306f, 0.612f, 0.906f,  // blue
      1.000f, 0.600f, 0.200f,  // orange
      0.400f, 0.800f, 0.400f,  // green
      0.960f, 0.380f, 0.400f,  // red
      0.720f, 0.560f, 0.900f,  // purple
      0.800f, 0.580f, 0.480f,  // brown
      0.980f, 0.560f, 0.820f,  // pink
      0.740f, 0.740f, 0.740f,  // grey
      0.860f, 0.860f, 0.340f,  // olive
      0.300f, 0.860f, 0.900f,  // cyan
  };
  return k;
}

Expected<PointRenderer> PointRenderer::create() {
  auto program = gl::Program::load("points.vert", "points.frag");
  if (!program) return program.error();
  PointRenderer r;
  r.m_program = std::move(program.value());
  r.m_vao = gl::VertexArray::create();
  r.m_x0 = gl::Buffer::create();
  r.m_noise = gl::Buffer::create();
  r.m_colour = gl::Buffer::create();
  r.m_label = gl::Buffer::create();
  glBindVertexArray(r.m_vao.id());
  auto attach = [](const gl::Buffer& b, GLuint location, GLint components) {
    glBindBuffer(GL_ARRAY_BUFFER, b.id());
    glEnableVertexAttribArray(location);
    glVertexAttribPointer(location, components, GL_FLOAT, GL_FALSE, 0, nullptr);
  };
  attach(r.m_x0, 0, 2);
  attach(r.m_noise, 1, 2);
  attach(r.m_colour, 2, 1);
  attach(r.m_label, 3, 1);
  glBindVertexArray(0);
  return r;
}

void PointRenderer::upload(const scene::PointCloud& cloud, uint64_t version) {
  if (version == m_version) return;
  m_version = version;
  m_count = static_cast<size_t>(cloud.n);
  m_x0.upload(cloud.x0.data(), cloud.x0.size() * sizeof(float));
  m_noise.upload(cloud.noise.data(), cloud.noise.size() * sizeof(float));
  m_colour.upload(cloud.colour.data(), cloud.colour.size() * sizeof(float));
  std::vector<float> labels(cloud.label.begin(), cloud.label.end());
  m_label.upload(labels.data(), labels.size() * sizeof(float));
}

void PointRenderer::draw(const Params& p) const {
  if (m_count == 0) return;
  glUseProgram(m_program.id());
  glUniform1f(m_program.uniform("u_a"), p.a);
  glUniform1f(m_program.uniform("u_sigma"), p.sigma);
  glUniform2f(m_program.uniform("u_center"), p.camera.center.x, p.camera.center.y);
  // One world unit spans 1/unitsPerPixel logical pixels, and the viewport spans 2 clip units.
  glUniform2f(m_program.uniform("u_worldToClip"), 2.0f / (p.camera.unitsPerPixel * p.viewport.x),
              2.0f / (p.camera.unitsPerPixel * p.viewport.y));
  glUniform1f(m_program.uniform("u_pointSize"), p.pointSize);
  glUniform1f(m_program.uniform("u_alpha"), p.alpha);
  glUniform1i(m_program.uniform("u_colourMode"), static_cast<int>(p.colourMode));
  glUniform1i(m_program.uniform("u_numClasses"), p.numClasses);
  glUniform1f(m_program.uniform("u_dadt"), p.dadt);
  glUniform1f(m_program.uniform("u_dsdt"), p.dsdt);
  glUniform1f(m_program.uniform("u_speedMax"), p.speedMax > 0 ? p.speedMax : 1.0f);
  glUniform3fv(m_program.uniform("u_palette"), 10, categoricalPalette());
  glEnable(GL_PROGRAM_POINT_SIZE);
  glEnable(GL_BLEND);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_SCISSOR_TEST);
  glBindVertexArray(m_vao.id());
  glDrawArrays(GL_POINTS, 0, static_cast<GLsizei>(m_count));
  glBindVertexArray(0);
}

}  // namespace ss::ui
