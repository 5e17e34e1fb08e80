/* vector/vec_index.h — approximate nearest-neighbour indexes (HNSW, IVFFlat) over float
 * vectors, with caller-chosen int64 labels and pgvector's distance units. Plain C (C11 and
 * C++), implemented with faiss in vec_faiss.cpp; no faiss type or C++ exception crosses it.
 * Lifecycle: create -> [train (IVFFlat)] -> add* -> search* -> save/serialize -> destroy;
 * or load/deserialize -> add* / search* -> destroy. See vector/README.md. */
#ifndef ORB_VEC_INDEX_H
#define ORB_VEC_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
/* common/common.h is C-only (_Noreturn, implicit void * conversions); C++ users (only
 * vec_faiss.cpp) see the two types as incomplete and declare what they call themselves. */
typedef struct orb_err orb_err_t;
typedef struct orb_mcx orb_mcx_t;
extern "C" {
#else
#include "common/common.h"
#endif

/* One index. Owned by whoever created or loaded it (in Orbit: the table-shard actor that
 * owns the index), who releases it with vec_index_destroy. Not reference-counted and not
 * thread-safe: one thread at a time (the owner actor's worker) may call into it, searches
 * included (a search briefly sets faiss's hnsw.efSearch). Different indexes may be used
 * concurrently from different threads. Functions without an err argument need ix != NULL. */
typedef struct vec_index vec_index_t;

typedef enum vec_method { VEC_METHOD_HNSW = 1, VEC_METHOD_IVFFLAT = 2 } vec_method_t;

/* pgvector's operator classes: vector_l2_ops, vector_ip_ops, vector_cosine_ops and
 * vector_l1_ops (HNSW only, as in pgvector). */
typedef enum vec_metric {
    VEC_METRIC_L2 = 1,
    VEC_METRIC_IP = 2,
    VEC_METRIC_COSINE = 3,
    VEC_METRIC_L1 = 4,
} vec_metric_t;

/* Build options. Fields that do not apply to the method are ignored; 0 means the pgvector
 * default (m 16, ef_construction 64, lists 100). Accepted ranges follow pgvector:
 * dim 1..VEC_INDEX_MAX_DIM, m 2..100, ef_construction 4..1000 and >= 2 * m,
 * lists 1..32768. */
typedef struct vec_index_opts {
    vec_method_t method;
    vec_metric_t metric;
    int dim;
    int m;               /* HNSW: neighbours per node per layer */
    int ef_construction; /* HNSW: candidate list size while building */
    int lists;           /* IVFFlat: number of inverted lists (k-means centroids) */
} vec_index_opts_t;

#define VEC_INDEX_MAX_DIM 16000 /* the vector type's limit; pgvector's index limit is 2000 */
#define VEC_HNSW_DEFAULT_M 16
#define VEC_HNSW_DEFAULT_EF_CONSTRUCTION 64
#define VEC_HNSW_DEFAULT_EF_SEARCH 40
#define VEC_IVF_DEFAULT_LISTS 100
#define VEC_IVF_DEFAULT_PROBES 1

/* Creates an empty index. On success *out is a new index the caller releases with
 * vec_index_destroy. Errors: 22023 for a bad option (unknown method or metric, m,
 * ef_construction or lists out of range), 54000 for dim above VEC_INDEX_MAX_DIM, 0A000 for
 * IVFFlat with L1 (pgvector has no ivfflat vector_l1_ops), 53200 when out of memory. */
int vec_index_create(const vec_index_opts_t *o, vec_index_t **out, orb_err_t *err);

/* Frees the index and everything faiss holds for it. NULL is a no-op. */
void vec_index_destroy(vec_index_t *ix);

/* Copies the effective options into *out. They differ from the ones given to create when a
 * default was filled in, and for IVFFlat when training had fewer vectors than lists (lists
 * is then the number of lists actually built; see vec_index_train). */
void vec_index_opts_get(const vec_index_t *ix, vec_index_opts_t *out);

/* IVFFlat needs training before vectors can be added; HNSW is always trained. */
bool vec_index_is_trained(const vec_index_t *ix);

/* Trains an IVFFlat index with k-means (faiss Clustering, fixed seed, so deterministic for
 * the same input) over the n row-major vectors x (n * dim floats, borrowed for the call), as
 * pgvector trains on a sample of the table's rows. For cosine, vectors are normalised and
 * zero vectors are left out of the sample. With fewer usable sample vectors than lists the
 * index is built with that many lists instead (pgvector warns and does similar); with none
 * at all it gets one list, i.e. an exact scan. No-op for HNSW.
 * Errors: 55000 if the index already holds vectors, 22000 if x holds NaN or infinity,
 * 53200 when out of memory, XX000 for a faiss failure. May use the build threads. */
int vec_index_train(vec_index_t *ix, size_t n, const float *x, orb_err_t *err);

/* Adds the n row-major vectors x (n * dim floats, borrowed for the call) with the labels
 * labels[0..n) (arbitrary values except -1, which faiss reserves for "no result"; duplicates
 * are not detected). For cosine, vectors are normalised and zero vectors are skipped, as
 * pgvector does not index them. *nadded (may be NULL) gets the number actually added.
 * Errors: 55000 when an IVFFlat index is not trained, 22000 for NaN or infinity in x (nothing
 * is added then), 22023 for label -1, 54000 when HNSW would exceed INT32_MAX vectors,
 * 53200 when out of memory, XX000 for a faiss failure. After a 53200/XX000 from add the index
 * may hold part of the batch and refuses further use (rebuild it from the rows).
 * Uses the build threads when n >= 1000, one thread otherwise. */
int vec_index_add(vec_index_t *ix, size_t n, const float *x, const int64_t *labels, size_t *nadded,
                  orb_err_t *err);

/* Removes every vector whose label is in labels[0..n); *nremoved (may be NULL) gets how many.
 * IVFFlat only. HNSW cannot delete from its graph (faiss has no remove for it, and pgvector
 * marks tuples dead too): it returns 0A000, and callers filter dead labels with keep_cb and
 * rebuild the index when too many are dead. */
int vec_index_remove(vec_index_t *ix, size_t n, const int64_t *labels, size_t *nremoved,
                     orb_err_t *err);

/* Vectors held, including ones the caller considers dead. */
size_t vec_index_size(const vec_index_t *ix);

/* Returns true if the label should be kept in the results. Called on the searching thread,
 * during the search, for candidate labels only; must return normally (no longjmp). */
typedef bool (*vec_keep_cb)(void *arg, int64_t label);

typedef struct vec_search_params {
    int k;               /* results wanted, >= 1 */
    int ef_search;       /* HNSW candidate list size; <= 0 means 40. faiss gets max(ef_search, k) */
    int probes;          /* IVFFlat lists probed; <= 0 means 1; clamped to the number of lists */
    vec_keep_cb keep_cb; /* optional filter (NULL keeps everything) */
    void *keep_arg;
    /* When keep_cb leaves fewer than k results, search again with ef_search / probes four
     * times larger until k are found or the whole index is in reach (like pgvector 0.8's
     * iterative index scans, but the results stay strictly ordered). */
    bool widen;
} vec_search_params_t;

/* The k nearest neighbours of q (dim floats) that keep_cb keeps, nearest first. dist and
 * labels must each have room for k entries; *nfound (<= k) says how many were filled.
 * Distances are pgvector's: L2 -> Euclidean distance, IP -> negative inner product,
 * cosine -> 1 - cosine similarity (in [0, 2]), L1 -> L1 distance. A cosine query that is the
 * zero vector, an empty index and an untrained IVFFlat index find nothing (*nfound = 0).
 * Runs on the calling thread only (no OpenMP team), so many actors may search different
 * indexes at once. faiss allocates a visited table of one byte per vector per HNSW search. Errors: 22023 for k < 1, 22000 for NaN or infinity in q, 53200, XX000. */
int vec_index_search(const vec_index_t *ix, const float *q, const vec_search_params_t *p,
                     float *dist, int64_t *labels, int *nfound, orb_err_t *err);

/* Persistence. The format is ours: a 64-byte little-endian header (magic "ORBVIDX1",
 * version, header length, method, metric, dim, m, ef_construction, lists, label count,
 * faiss blob length, CRC-32C of the payload, CRC-32C of the header) followed by the payload:
 * the faiss index (faiss::write_index) and, for HNSW, the internal-id -> label array as
 * little-endian int64. Exact lengths and both checksums are verified on load.
 *
 * vec_index_save writes path atomically: path.tmp, fsync, rename over path, fsync the
 * directory. Errors: 58030 for I/O failures (errno text in detail), 53100 for ENOSPC,
 * 53200, XX000. The temporary file is removed on failure. */
int vec_index_save(const vec_index_t *ix, const char *path, orb_err_t *err);

/* Loads an index saved by vec_index_save; *out is a new index released with
 * vec_index_destroy. Errors: 58030 when the file cannot be read, XX001 when it is truncated,
 * corrupt or of an unknown version (never a crash), 53200 when out of memory. */
int vec_index_load(const char *path, vec_index_t **out, orb_err_t *err);

/* The same bytes as vec_index_save, in memory: *buf (allocated in mcx) and *len. */
int vec_index_serialize(const vec_index_t *ix, orb_mcx_t *mcx, void **buf, size_t *len,
                        orb_err_t *err);

/* Builds an index from len bytes at buf (borrowed for the call), as vec_index_load does. */
int vec_index_deserialize(const void *buf, size_t len, vec_index_t **out, orb_err_t *err);

/* Sets the number of OpenMP threads used by train and by add of >= 1000 vectors, for every
 * index (process-wide; thread-safe). 0 means OpenMP's default (omp_get_num_procs()). Search
 * always uses one thread. Returns the previous setting. Call once at startup; note that
 * libgomp keeps one thread pool per calling thread, so builds belong on a pool of workers
 * (STYLE.md section 5). BLAS threads used by k-means are configured separately. */
int vec_index_set_threads(int n);

/* HNSW searches run vec_faiss.cpp's own copy of faiss's search loop, which prefetches
 * vectors and returns exactly what faiss's IndexHNSW::search returns (default). false makes
 * them call faiss's: the reference for tests and benchmarks. Process-wide, thread-safe. */
void vec_index_set_own_search(bool on);

#ifdef __cplusplus
}
#endif

#endif
