/*
 * The memory-bandwidth yardstick of the benchmarks: the three sums of Keras's cosine similarity
 * (sum(t*t), sum(p*p), sum(t*p)) in one pass over the data, then per row the Keras 3 epilogue
 * (l2-normalize with min(rsqrt(s), 1/1e-7)), then -mean over the rows. Nothing else: no shape checks,
 * no weights, no rounding rules beyond the accumulator type's.
 *
 * Built by benchmarks/Benchmarks/Benchmarks.csproj with `gcc -O3 -march=native -shared -fPIC` and called
 * through P/Invoke. Explicit SIMD via GCC vector extensions (GCC >= 4.9, clang), two accumulators per
 * sum, so the reductions vectorize without -ffast-math; the width is the widest the target has.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__F16C__)
#include <immintrin.h>
#endif

#if defined(__AVX512F__)
#define VBYTES 64
#elif defined(__AVX__)
#define VBYTES 32
#else
#define VBYTES 16
#endif

typedef float vf __attribute__((vector_size(VBYTES)));
typedef double vd __attribute__((vector_size(VBYTES)));
#define NF ((ptrdiff_t)(VBYTES / sizeof(float)))
#define ND ((ptrdiff_t)(VBYTES / sizeof(double)))

#define EXPORT __attribute__((visibility("default")))

static inline vf load_f(const float *p) { vf v; memcpy(&v, p, sizeof v); return v; }
static inline vd load_d(const double *p) { vd v; memcpy(&v, p, sizeof v); return v; }

static inline float hsum_f(vf v)
{
    float s = 0;
    for (ptrdiff_t i = 0; i < NF; i++) s += v[i];
    return s;
}

static inline double hsum_d(vd v)
{
    double s = 0;
    for (ptrdiff_t i = 0; i < ND; i++) s += v[i];
    return s;
}

/* Keras 3's ops.normalize: x * min(rsqrt(sum(x*x)), 1/1e-7). */
static inline float inv_norm_f(float s)
{
    float r = 1.0f / sqrtf(s);
    return r < 1e7f ? r : 1e7f;
}

static inline double inv_norm_d(double s)
{
    double r = 1.0 / sqrt(s);
    return r < 1e7 ? r : 1e7;
}

/* float16 as IEEE binary16 bits, to float. */
static inline float half_to_float(uint16_t h)
{
#if defined(__F16C__)
    return _cvtsh_ss(h);
#else
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, man = h & 0x3ffu, bits;
    if (exp == 0x1fu) {
        bits = sign | 0x7f800000u | (man << 13);
    } else if (exp != 0) {
        bits = sign | ((exp + 112u) << 23) | (man << 13);
    } else if (man == 0) {
        bits = sign;
    } else {
        float f = (float)man * 5.9604644775390625e-8f; /* man * 2^-24 */
        memcpy(&bits, &f, sizeof bits);
        bits |= sign;
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
#endif
}

static inline void three_f(const float *t, const float *p, ptrdiff_t n, float *tt, float *pp, float *tp)
{
    vf tt0 = {0}, pp0 = {0}, tp0 = {0}, tt1 = {0}, pp1 = {0}, tp1 = {0};
    ptrdiff_t k = 0;
    for (; k + 2 * NF <= n; k += 2 * NF) {
        vf x0 = load_f(t + k), y0 = load_f(p + k), x1 = load_f(t + k + NF), y1 = load_f(p + k + NF);
        tt0 += x0 * x0; pp0 += y0 * y0; tp0 += x0 * y0;
        tt1 += x1 * x1; pp1 += y1 * y1; tp1 += x1 * y1;
    }
    float stt = hsum_f(tt0 + tt1), spp = hsum_f(pp0 + pp1), stp = hsum_f(tp0 + tp1);
    for (; k < n; k++) {
        stt += t[k] * t[k]; spp += p[k] * p[k]; stp += t[k] * p[k];
    }
    *tt = stt; *pp = spp; *tp = stp;
}

/* -mean over rows of cos(t_row, p_row), float32 inputs and sums: rows x len, row-major, axis -1. */
EXPORT double cosine_loss_rows_f32(const float *t, const float *p, int64_t rows, int64_t len)
{
    double total = 0;
    for (int64_t r = 0; r < rows; r++) {
        float tt, pp, tp;
        three_f(t + r * len, p + r * len, (ptrdiff_t)len, &tt, &pp, &tp);
        total += (double)(tp * inv_norm_f(tt) * inv_norm_f(pp));
    }
    return rows == 0 ? 0.0 : -(total / (double)rows);
}

/* cosine_loss_rows_f32 and the gradients of its -mean(cos) by both inputs into tg and pg (rows x len each): the
 * forward + gradients yardstick. Per row, while the row is still in L1, the three sums, then one pass that writes
 * tg = a p + bt t and pg = a t + bp p with a = dc rt rp, bt = -dc tp rt^3 rp, bp = -dc tp rp^3 rt, dc = -1/rows
 * (the normalization's gradient below its clamp; the setup data never reaches 1/1e-7). */
EXPORT double cosine_loss_grad_rows_f32(const float *t, const float *p, int64_t rows, int64_t len, float *tg, float *pg)
{
    double total = 0;
    float dc = rows == 0 ? 0.0f : -1.0f / (float)rows;
    for (int64_t r = 0; r < rows; r++) {
        const float *tr = t + r * len, *pr = p + r * len;
        float *tgr = tg + r * len, *pgr = pg + r * len;
        float tt, pp, tp;
        three_f(tr, pr, (ptrdiff_t)len, &tt, &pp, &tp);
        float rt = inv_norm_f(tt), rp = inv_norm_f(pp), cosine = tp * rt * rp;
        total += (double)cosine;
        float a = dc * rt * rp, bt = -dc * cosine * rt * rt, bp = -dc * cosine * rp * rp;
        vf va = {0}, vbt = {0}, vbp = {0};
        va += a; vbt += bt; vbp += bp;
        ptrdiff_t k = 0, n = (ptrdiff_t)len;
        for (; k + NF <= n; k += NF) {
            vf x = load_f(tr + k), y = load_f(pr + k), gx = va * y + vbt * x, gy = va * x + vbp * y;
            memcpy(tgr + k, &gx, sizeof gx);
            memcpy(pgr + k, &gy, sizeof gy);
        }
        for (; k < n; k++) {
            tgr[k] = a * pr[k] + bt * tr[k];
            pgr[k] = a * tr[k] + bp * pr[k];
        }
    }
    return rows == 0 ? 0.0 : -(total / (double)rows);
}

/* As cosine_loss_rows_f32 for float64 inputs, sums in double. */
EXPORT double cosine_loss_rows_f64(const double *t, const double *p, int64_t rows, int64_t len)
{
    double total = 0;
    for (int64_t r = 0; r < rows; r++) {
        const double *tr = t + r * len, *pr = p + r * len;
        vd tt0 = {0}, pp0 = {0}, tp0 = {0}, tt1 = {0}, pp1 = {0}, tp1 = {0};
        ptrdiff_t k = 0, n = (ptrdiff_t)len;
        for (; k + 2 * ND <= n; k += 2 * ND) {
            vd x0 = load_d(tr + k), y0 = load_d(pr + k), x1 = load_d(tr + k + ND), y1 = load_d(pr + k + ND);
            tt0 += x0 * x0; pp0 += y0 * y0; tp0 += x0 * y0;
            tt1 += x1 * x1; pp1 += y1 * y1; tp1 += x1 * y1;
        }
        double stt = hsum_d(tt0 + tt1), spp = hsum_d(pp0 + pp1), stp = hsum_d(tp0 + tp1);
        for (; k < n; k++) {
            stt += tr[k] * tr[k]; spp += pr[k] * pr[k]; stp += tr[k] * pr[k];
        }
        total += stp * inv_norm_d(stt) * inv_norm_d(spp);
    }
    return rows == 0 ? 0.0 : -(total / (double)rows);
}

/* As cosine_loss_rows_f32 for float16 inputs (binary16 bits), each element widened to float32 as
 * Keras 3's loss casts its inputs to its float32 dtype; sums in float. */
EXPORT double cosine_loss_rows_f16(const uint16_t *t, const uint16_t *p, int64_t rows, int64_t len)
{
    double total = 0;
    for (int64_t r = 0; r < rows; r++) {
        const uint16_t *tr = t + r * len, *pr = p + r * len;
        ptrdiff_t k = 0, n = (ptrdiff_t)len;
        float stt = 0, spp = 0, stp = 0;
#if defined(__F16C__) && defined(__AVX__)
        __m256 tt0 = _mm256_setzero_ps(), pp0 = tt0, tp0 = tt0, tt1 = tt0, pp1 = tt0, tp1 = tt0;
        for (; k + 16 <= n; k += 16) {
            __m256 x0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(tr + k)));
            __m256 y0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(pr + k)));
            __m256 x1 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(tr + k + 8)));
            __m256 y1 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(pr + k + 8)));
            tt0 += x0 * x0; pp0 += y0 * y0; tp0 += x0 * y0;
            tt1 += x1 * x1; pp1 += y1 * y1; tp1 += x1 * y1;
        }
        __m256 a = tt0 + tt1, b = pp0 + pp1, c = tp0 + tp1;
        for (int i = 0; i < 8; i++) {
            stt += a[i]; spp += b[i]; stp += c[i];
        }
#endif
        for (; k < n; k++) {
            float x = half_to_float(tr[k]), y = half_to_float(pr[k]);
            stt += x * x; spp += y * y; stp += x * y;
        }
        total += (double)(stp * inv_norm_f(stt) * inv_norm_f(spp));
    }
    return rows == 0 ? 0.0 : -(total / (double)rows);
}

/* -mean over the cols columns of cos(t[:, j], p[:, j]): float32 rows x cols, row-major, axis 0.
 * One pass in memory order, the sums of every column kept in scratch (3 * cols floats). */
EXPORT double cosine_loss_cols_f32(const float *t, const float *p, int64_t rows, int64_t cols, float *scratch)
{
    float *tt = scratch, *pp = scratch + cols, *tp = scratch + 2 * cols;
    memset(scratch, 0, (size_t)(3 * cols) * sizeof(float));
    for (int64_t r = 0; r < rows; r++) {
        const float *tr = t + r * cols, *pr = p + r * cols;
        for (int64_t j = 0; j < cols; j++) {
            float x = tr[j], y = pr[j];
            tt[j] += x * x; pp[j] += y * y; tp[j] += x * y;
        }
    }
    double total = 0;
    for (int64_t j = 0; j < cols; j++) {
        total += (double)(tp[j] * inv_norm_f(tt[j]) * inv_norm_f(pp[j]));
    }
    return cols == 0 ? 0.0 : -(total / (double)cols);
}
