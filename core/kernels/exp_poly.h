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
