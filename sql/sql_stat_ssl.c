/* sql/sql_stat_ssl.c — the rows of pg_stat_ssl: how each session's client is connected (TLS
 * version, cipher, client certificate), reported once by wire/ through sql_session_set_ssl
 * and removed when the session is destroyed. A process-wide list behind one leaf mutex;
 * entries are copies, so no session memory is shared. sql_sysrel.c turns them into rows.
 * See README.md ("System relations"). */
#include "sql_int.h"

#include <stdlib.h>

typedef struct ssl_entry {
    struct ssl_entry *next;
    int32_t pid;
    sql_ssl_info_t info;
} ssl_entry_t;

static pthread_mutex_t ssl_lock = PTHREAD_MUTEX_INITIALIZER; /* a leaf; guards ssl_list */
static ssl_entry_t *ssl_list;

void sql_stat_ssl_add(int32_t pid, const sql_ssl_info_t *info) {
    ssl_entry_t *e = calloc(1, sizeof *e);
    if (!e) orb_panic("out of memory");
    e->pid = pid;
    e->info = *info;
    pthread_mutex_lock(&ssl_lock);
    e->next = ssl_list;
    ssl_list = e;
    pthread_mutex_unlock(&ssl_lock);
}

void sql_stat_ssl_remove(int32_t pid) {
    pthread_mutex_lock(&ssl_lock);
    for (ssl_entry_t **pp = &ssl_list; *pp; pp = &(*pp)->next) {
        if ((*pp)->pid == pid) {
            ssl_entry_t *e = *pp;
            *pp = e->next;
            free(e);
            break;
        }
    }
    pthread_mutex_unlock(&ssl_lock);
}

void sql_stat_ssl_each(void (*fn)(void *arg, int32_t pid, const sql_ssl_info_t *info), void *arg) {
    pthread_mutex_lock(&ssl_lock);
    for (ssl_entry_t *e = ssl_list; e; e = e->next)
        fn(arg, e->pid, &e->info);
    pthread_mutex_unlock(&ssl_lock);
}
