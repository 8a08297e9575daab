// Particles of the forward process: x(t) = a(t)·x0 + σ(t)·ε with ε fixed per particle,
// so scrubbing t moves every particle smoothly. World → clip through the 2D camera.
// Run clouds have σ = 0 and keep each particle's velocity in ε (for the speed colouring).
layout(location = 0) in vec2 a_x0;
layout(location = 1) in vec2 a_noise;
layout(location = 2) in float a_colour;   // continuous attribute in [0, 1]
layout(location = 3) in float a_label;    // class index

uniform float u_a;
uniform float u_sigma;
uniform vec2 u_center;        // world point at the middle of the viewport
uniform vec2 u_worldToClip;   // clip units per world unit, x and y
uniform float u_pointSize;    // pixels
uniform int u_colourMode;     // 0: categorical by label, 1: continuous colormap, 2: speed
uniform float u_dadt;         // speed: dx/dt = u_dadt·x0 + u_dsdt·ε
uniform float u_dsdt;
uniform float u_speedMax;     // speed at the top of the colour bar
uniform int u_numClasses;
uniform vec3 u_palette[10];

out vec3 v_colour;

vec3 viridis(float t) {
  // Piecewise-linear through five viridis keys: perceptually ordered, colour-blind safe.
  const vec3 k0 = vec3(0.267, 0.005, 0.329);
  const vec3 k1 = vec3(0.229, 0.322, 0.546);
  const vec3 k2 = vec3(0.128, 0.567, 0.551);
  const vec3 k3 = vec3(0.369, 0.789, 0.383);
  const vec3 k4 = vec3(0.993, 0.906, 0.144);
  t = clamp(t, 0.0, 1.0) * 4.0;
  if (t < 1.0) return mix(k0, k1, t);
  if (t < 2.0) return mix(k1, k2, t - 1.0);
  if (t < 3.0) return mix(k2, k3, t - 2.0);
  return mix(k3, k4, t - 3.0);
}

void main() {
  vec2 x = u_a * a_x0 + u_sigma * a_noise;
  gl_Position = vec4((x - u_center) * u_worldToClip, 0.0, 1.0);
  gl_PointSize = u_pointSize;
  if (u_colourMode == 0) {
    int k = int(a_label + 0.5);
    v_colour = u_palette[k - 10 * (k / 10)];
  } else if (u_colourMode == 2) {
    float speed = length(u_dadt * a_x0 + u_dsdt * a_noise);
    v_colour = viridis(0.15 + 0.85 * clamp(speed / u_speedMax, 0.0, 1.0));
  } else {
    // Lift the dark end a little so it stays visible on a dark background.
    v_colour = viridis(0.15 + 0.85 * a_colour);
  }
}
