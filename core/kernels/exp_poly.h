// The float64 exp polynomial shared by the kernels' ISA paths: e^x = 2^k e^r with
// k = round(x / ln 2), r = x − k ln 2 (two-part ln 2) ∈ [−ln2/2, ln2/2], and e^r by its
// Taylor polynomial of degree 9: truncation below 7e-12 relative, far inside what the
// kernels promise (1e-9 relative on the score and 1e-9 nats on log p). Constants only.
#pragma once

namespace ss::kernels::exp_poly {

inline constexpr double kLog2e = 1.4426950408889634;
inline constexpr double kLn2Hi = 0.6931471803691238;  // ln 2, high 32 bits
inline constexpr double kLn2Lo = 1.9082149292705877e-10;
inline constexpr double kMinArg = -708.0;  // e^x stays normal
// 1/n!, n = 9 … 0, in Horner order.
inline constexpr int kTerms = 10;
inline constexpr double kCoeffs[kTerms] = {2.75573192239858906526e-06,
                                           2.48015873015873015873e-05,
                                           1.98412698412698412698e-04,
                                           1.38888888888888888889e-03,
                                           8.33333333333333333333e-03,
                                           4.16666666666666666667e-02,
                                           1.66666666666666666667e-01,
                                           5.00000000000000000000e-01,
                                           1.0,
                                           1.0};

}  // namespace ss::kernels::exp_poly

// The float32 2^x of the float32 tile path (empirical.h): 2^x = 2^k 2^r with k = round(x),
// r = x − k ∈ [−1/2, 1/2] (exact in float32), and 2^r = 1 + r·P(r), P of degree 5 (Cephes
// exp2f's minimax coefficients): within 1.7e-7 relative plus the Horner's rounding on
// [kMinArg, 0], evaluated in float32. The exponent is scaled by log2 e beforehand, once.
namespace ss::kernels::exp_poly_f32 {

inline constexpr double kLog2e = 1.4426950408889634;
inline constexpr float kMinArg = -100.0f;  // 2^k and its products with y stay normal (fast)
// P(r), in Horner order.
inline constexpr int kTerms = 6;
inline constexpr float kCoeffs[kTerms] = {1.535336188319500e-4f, 1.339887440266574e-3f,
                                          9.618437357674640e-3f, 5.550332471162809e-2f,
                                          2.402264791363012e-1f, 6.931472028550421e-1f};

}  // namespace ss::kernels::exp_poly_f32
