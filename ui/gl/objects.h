// Move-only RAII wrappers for OpenGL objects (created in the constructor, deleted in the
// destructor, moved-from is empty). UI thread only, with a current GL 3.3+ context.
#pragma once

#include <epoxy/gl.h>

#include <string>
#include <utility>
#include <vector>

#include "core/common/error.h"
#include "core/common/non_copyable.h"

namespace ss::gl {

template <class Traits>
class Handle {
 public:
  Handle() = default;
  explicit Handle(GLuint id) : m_id(id) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : m_id(std::exchange(o.m_id, 0)) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      m_id = std::exchange(o.m_id, 0);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  GLuint id() const { return m_id; }
  explicit operator bool() const { return m_id != 0; }
  void reset() {
    if (m_id) Traits::destroy(m_id);
    m_id = 0;
  }

 private:
  GLuint m_id = 0;
};

struct BufferTraits {
  static void destroy(GLuint id) { glDeleteBuffers(1, &id); }
};
struct VertexArrayTraits {
  static void destroy(GLuint id) { glDeleteVertexArrays(1, &id); }
};
struct TextureTraits {
  static void destroy(GLuint id) { glDeleteTextures(1, &id); }
};
struct FramebufferTraits {
  static void destroy(GLuint id) { glDeleteFramebuffers(1, &id); }
};
struct RenderbufferTraits {
  static void destroy(GLuint id) { glDeleteRenderbuffers(1, &id); }
};
struct ProgramTraits {
  static void destroy(GLuint id) { glDeleteProgram(id); }
};

class Buffer : public Handle<BufferTraits> {
 public:
  static Buffer create();
  // Uploads `bytes` bytes to GL_ARRAY_BUFFER (re-allocating when the size changes).
  void upload(const void* data, size_t bytes, GLenum usage = GL_STATIC_DRAW);
  size_t size() const { return m_bytes; }

 private:
  using Handle::Handle;
  size_t m_bytes = 0;
};

class VertexArray : public Handle<VertexArrayTraits> {
 public:
  static VertexArray create();

 private:
  using Handle::Handle;
};

// An RGBA8 colour texture, linear filtering, clamped.
class Texture2D : public Handle<TextureTraits> {
 public:
  static Texture2D create(int width, int height, const void* rgba = nullptr);
  int width() const { return m_w; }
  int height() const { return m_h; }

 private:
  using Handle::Handle;
  int m_w = 0, m_h = 0;
};

// Uploads w×h RGBA8 texels (rows packed) into `t`, (re)creating it when the size changed;
// `nearest` samples without filtering (image grids, masks), else linearly. Leaves no
// texture bound.
void uploadRgba(Texture2D& t, int w, int h, const void* rgba, bool nearest);

// A colour texture + multisampled-free depthless framebuffer to draw a view into.
class Framebuffer {
 public:
  static Expected<Framebuffer> create(int width, int height);
  void bind() const;  // binds and sets the viewport to the full size
  GLuint id() const { return m_fbo.id(); }
  const Texture2D& colour() const { return m_colour; }
  int width() const { return m_colour.width(); }
  int height() const { return m_colour.height(); }
  // Reads back RGBA8, rows top to bottom.
  std::vector<unsigned char> readRgba() const;

 private:
  Handle<FramebufferTraits> m_fbo;
  Texture2D m_colour;
};

class Program : public Handle<ProgramTraits> {
 public:
  // Compiles `vertexName`/`fragmentName` from the embedded shaders (or from disk when
  // SCORESCOPE_SHADER_DIR is set); errors carry the compiler log.
  static Expected<Program> load(const std::string& vertexName, const std::string& fragmentName);
  GLint uniform(const char* name) const { return glGetUniformLocation(id(), name); }

 private:
  using Handle::Handle;
};

// Saves and restores the GL state a renderer touches, as ImGui's GL backend does.
class StateGuard : NonCopyable {
 public:
  StateGuard();
  ~StateGuard();

 private:
  GLint m_fbo = 0, m_program = 0, m_vao = 0, m_buffer = 0;
  GLint m_viewport[4] = {};
  GLboolean m_blend = GL_FALSE, m_depth = GL_FALSE, m_scissor = GL_FALSE;
  GLint m_blendSrc = 0, m_blendDst = 0, m_blendSrcA = 0, m_blendDstA = 0;
  GLboolean m_pointSize = GL_FALSE;
};

}  // namespace ss::gl
