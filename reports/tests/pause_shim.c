// Preloaded by planted_links_test.sh into maskbench: the first fsync or
// rename of the process waits (as on a slow disk) after creating the file
// named by MB_PAUSE_READY, so the test can interrupt a writer at the moment
// its temporary file exists, every time. Without MB_PAUSE_READY it changes
// nothing.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static void pause_once(void) {
  static int paused = 0;
  const char* ready = getenv("MB_PAUSE_READY");
  if (ready == NULL || paused) return;
  paused = 1;
  const int fd = open(ready, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) close(fd);
  sleep(60);  // a signal ends it
}

int fsync(int fd) {
  pause_once();
  int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  return real(fd);
}

int rename(const char* from, const char* to) {
  pause_once();
  int (*real)(const char*, const char*) = (int (*)(const char*, const char*))dlsym(RTLD_NEXT, "rename");
  return real(from, to);
}

int renameat(int from_dir, const char* from, int to_dir, const char* to) {
  pause_once();
  int (*real)(int, const char*, int, const char*) =
      (int (*)(int, const char*, int, const char*))dlsym(RTLD_NEXT, "renameat");
  return real(from_dir, from, to_dir, to);
}
