// A round point with a soft anti-aliased rim.
in vec3 v_colour;
uniform float u_alpha;
out vec4 o_colour;

void main() {
  vec2 p = gl_PointCoord * 2.0 - 1.0;
  float r = length(p);
  float edge = fwidth(r);
  float a = 1.0 - smoothstep(1.0 - edge * 1.5, 1.0, r);
  if (a <= 0.0) discard;
  o_colour = vec4(v_colour, u_alpha * a);
}
