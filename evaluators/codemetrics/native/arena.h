/* A bump allocator: every allocation of one analyse() call, freed at once when it returns. */
#ifndef GLASSBOX_ARENA_H
#define GLASSBOX_ARENA_H
#include <stddef.h>
#include <stdlib.h>

typedef struct Chunk {
    struct Chunk *next;
    size_t used, size;
    _Alignas(16) char data[];
} Chunk;

typedef struct {
    Chunk *head;
} Arena;

/* Returns `size` bytes aligned to 16, or NULL when memory runs out. */
static inline void *arena_alloc(Arena *arena, size_t size) {
    size = (size + 15) & ~(size_t)15;
    Chunk *chunk = arena->head;
    if (chunk == NULL || chunk->used + size > chunk->size) {
        size_t capacity = size > 65536 ? size : 65536;
        chunk = malloc(sizeof(Chunk) + capacity);
        if (chunk == NULL) return NULL;
        chunk->next = arena->head;
        chunk->used = 0;
        chunk->size = capacity;
        arena->head = chunk;
    }
    void *out = chunk->data + chunk->used;
    chunk->used += size;
    return out;
}

static inline void arena_free(Arena *arena) {
    while (arena->head != NULL) {
        Chunk *next = arena->head->next;
        free(arena->head);
        arena->head = next;
    }
}
#endif
