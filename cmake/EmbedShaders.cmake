# Embeds every GLSL file in shaders/ into a generated C++ source as raw string literals,
# so the executable is self-contained. Regenerated whenever a shader changes.
function(scorescope_embed_shaders target shader_dir)
  file(GLOB _shaders CONFIGURE_DEPENDS ${shader_dir}/*.vert ${shader_dir}/*.frag)
  set(_out ${CMAKE_CURRENT_BINARY_DIR}/embedded_shaders.cpp)
  add_custom_command(
    OUTPUT ${_out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${_out} -DSHADER_DIR=${shader_dir}
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedShadersScript.cmake
    DEPENDS ${_shaders} ${PROJECT_SOURCE_DIR}/cmake/EmbedShadersScript.cmake
    COMMENT "Embedding shaders")
  target_sources(${target} PRIVATE ${_out})
endfunction()
