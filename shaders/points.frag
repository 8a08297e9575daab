// A round point with a one-pixel anti-aliased rim, so small points stay bright.
in vec3 v_colour;
uniform float u_alpha;
uniform float u_pointSize;  // pixels
out vec4 o_colour;

void main() {
  float r = length(gl_PointCoord * 2.0 - 1.0) * 0.5 * u_pointSize;  // pixels from the centre
  float a = clamp(0.5 * u_pointSize - r + 0.5, 0.0, 1.0);
  if (a <= 0.0) discard;
  o_colour = vec4(v_colour, u_alpha * a);
}
