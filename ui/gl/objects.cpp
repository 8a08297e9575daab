#include "ui/gl/objects.h"

#include <optional>
#include <string>

#include "ui/gl/shader_source.h"

namespace ss::gl {

Buffer Buffer::create() {
  GLuint id = 0;
  glGenBuffers(1, &id);
  return Buffer(id);
}

void Buffer::upload(const void* data, size_t bytes, GLenum usage) {
  // Always new storage ("orphaning"): rewriting storage that an earlier draw still reads
  // makes the driver wait for that draw (llvmpipe: for its rasterizer threads to finish the
  // frame); new storage lets the old draw finish on its own.
  glBindBuffer(GL_ARRAY_BUFFER, id());
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(bytes), data, usage);
  m_bytes = bytes;
}

VertexArray VertexArray::create() {
  GLuint id = 0;
  glGenVertexArrays(1, &id);
  return VertexArray(id);
}

Texture2D Texture2D::create(int width, int height, const void* rgba) {
  GLuint id = 0;
  glGenTextures(1, &id);
  glBindTexture(GL_TEXTURE_2D, id);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
  Texture2D t(id);
  t.m_w = width;
  t.m_h = height;
  return t;
}

void uploadRgba(Texture2D& t, int w, int h, const void* rgba, bool nearest) {
  if (!t || t.width() != w || t.height() != h) {
    t = Texture2D::create(w, h, rgba);
    glBindTexture(GL_TEXTURE_2D, t.id());
  } else {
    glBindTexture(GL_TEXTURE_2D, t.id());
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
  }
  const GLint filter = nearest ? GL_NEAREST : GL_LINEAR;
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
  glBindTexture(GL_TEXTURE_2D, 0);
}

Expected<Framebuffer> Framebuffer::create(int width, int height) {
  if (width < 1 || height < 1 || width > 16384 || height > 16384)
    return Error{"framebuffer size " + std::to_string(width) + "x" + std::to_string(height) +
                 " is out of range (1..16384)"};
  Framebuffer fb;
  fb.m_colour = Texture2D::create(width, height);
  GLuint id = 0;
  glGenFramebuffers(1, &id);
  fb.m_fbo = Handle<FramebufferTraits>(id);
  GLint previous = 0;
  glGetIntegerv(GL_FRAMEBUFFER_BINDING, &previous);
  glBindFramebuffer(GL_FRAMEBUFFER, id);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, fb.m_colour.id(), 0);
  const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
  glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(previous));
  if (status != GL_FRAMEBUFFER_COMPLETE)
    return Error{"framebuffer incomplete (status 0x" + std::to_string(status) + ")"};
  return fb;
}

void Framebuffer::bind() const {
  glBindFramebuffer(GL_FRAMEBUFFER, m_fbo.id());
  glViewport(0, 0, width(), height());
}

std::vector<unsigned char> Framebuffer::readRgba() const {
  const int w = width(), h = height();
  std::vector<unsigned char> pixels(static_cast<size_t>(w) * h * 4);
  GLint previous = 0;
  glGetIntegerv(GL_FRAMEBUFFER_BINDING, &previous);
  glBindFramebuffer(GL_FRAMEBUFFER, m_fbo.id());
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(previous));
  // GL's origin is bottom-left; images are stored top row first.
  const size_t row = static_cast<size_t>(w) * 4;
  std::vector<unsigned char> tmp(row);
  for (int y = 0; y < h / 2; ++y) {
    unsigned char* a = pixels.data() + y * row;
    unsigned char* b = pixels.data() + (h - 1 - y) * row;
    std::copy(a, a + row, tmp.data());
    std::copy(b, b + row, a);
    std::copy(tmp.data(), tmp.data() + row, b);
  }
  return pixels;
}

namespace {

// The info log of a shader or program whose `status` (compile or link) failed; nothing when
// it succeeded. getiv / getLog: the shader or the program query pair.
template <class GetIv, class GetLog>
std::optional<std::string> failureLog(GLuint id, GLenum status, GetIv getiv, GetLog getLog) {
  GLint ok = 0;
  getiv(id, status, &ok);
  if (ok) return std::nullopt;
  char log[4096] = {};
  getLog(id, sizeof log, nullptr, log);
  return std::string(log);
}

Expected<GLuint> compile(GLenum type, const std::string& name) {
  auto src = shaderSource(name);
  if (!src) return src.error();
  GLuint s = glCreateShader(type);
  const char* text = src.value().c_str();
  glShaderSource(s, 1, &text, nullptr);
  glCompileShader(s);
  if (auto log = failureLog(s, GL_COMPILE_STATUS, glGetShaderiv, glGetShaderInfoLog)) {
    glDeleteShader(s);
    return Error{"shader " + name + " failed to compile:\n" + *log};
  }
  return s;
}

}  // namespace

Expected<Program> Program::load(const std::string& vertexName, const std::string& fragmentName) {
  auto vs = compile(GL_VERTEX_SHADER, vertexName);
  if (!vs) return vs.error();
  auto fs = compile(GL_FRAGMENT_SHADER, fragmentName);
  if (!fs) {
    glDeleteShader(vs.value());
    return fs.error();
  }
  GLuint p = glCreateProgram();
  glAttachShader(p, vs.value());
  glAttachShader(p, fs.value());
  glLinkProgram(p);
  glDeleteShader(vs.value());
  glDeleteShader(fs.value());
  if (auto log = failureLog(p, GL_LINK_STATUS, glGetProgramiv, glGetProgramInfoLog)) {
    glDeleteProgram(p);
    return Error{"program " + vertexName + " + " + fragmentName + " failed to link:\n" + *log};
  }
  return Program(p);
}

StateGuard::StateGuard() {
  glGetIntegerv(GL_FRAMEBUFFER_BINDING, &m_fbo);
  glGetIntegerv(GL_CURRENT_PROGRAM, &m_program);
  glGetIntegerv(GL_VERTEX_ARRAY_BINDING, &m_vao);
  glGetIntegerv(GL_ARRAY_BUFFER_BINDING, &m_buffer);
  glGetIntegerv(GL_VIEWPORT, m_viewport);
  m_blend = glIsEnabled(GL_BLEND);
  m_depth = glIsEnabled(GL_DEPTH_TEST);
  m_scissor = glIsEnabled(GL_SCISSOR_TEST);
  m_pointSize = glIsEnabled(GL_PROGRAM_POINT_SIZE);
  glGetIntegerv(GL_BLEND_SRC_RGB, &m_blendSrc);
  glGetIntegerv(GL_BLEND_DST_RGB, &m_blendDst);
  glGetIntegerv(GL_BLEND_SRC_ALPHA, &m_blendSrcA);
  glGetIntegerv(GL_BLEND_DST_ALPHA, &m_blendDstA);
}

StateGuard::~StateGuard() {
  auto set = [](GLenum cap, GLboolean on) { on ? glEnable(cap) : glDisable(cap); };
  glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(m_fbo));
  glUseProgram(static_cast<GLuint>(m_program));
  glBindVertexArray(static_cast<GLuint>(m_vao));
  glBindBuffer(GL_ARRAY_BUFFER, static_cast<GLuint>(m_buffer));
  glViewport(m_viewport[0], m_viewport[1], m_viewport[2], m_viewport[3]);
  set(GL_BLEND, m_blend);
  set(GL_DEPTH_TEST, m_depth);
  set(GL_SCISSOR_TEST, m_scissor);
  set(GL_PROGRAM_POINT_SIZE, m_pointSize);
  glBlendFuncSeparate(static_cast<GLenum>(m_blendSrc), static_cast<GLenum>(m_blendDst),
                      static_cast<GLenum>(m_blendSrcA), static_cast<GLenum>(m_blendDstA));
}

}  // namespace ss::gl
