package io.mesowhisk.mesos.emulator.internal;

/** How the command executor words a process's end: {@code Command exited with status N} or a signal's name. */
final class ExitStatus {

    private ExitStatus() {
    }

    /**
     * {@code "Command " + WSTRINGIFY(status)} (M:src/common/status_utils.hpp). Java reports a death by signal N as
     * exit value 128 + N, so an exit value of 129 to 192 is read as a signal.
     */
    static String commandStatus(int exitValue) {
        int sig = exitValue - 128;
        if (sig >= 1 && sig <= 64) {
            return "Command terminated with signal " + strsignal(sig);
        }
        return "Command exited with status " + exitValue;
    }

    /** The descriptions glibc's {@code strsignal(3)} gives for Linux's signal numbers. */
    static String strsignal(int sig) {
        return switch (sig) {
            case 1 -> "Hangup";
            case 2 -> "Interrupt";
            case 3 -> "Quit";
            case 4 -> "Illegal instruction";
            case 5 -> "Trace/breakpoint trap";
            case 6 -> "Aborted";
            case 7 -> "Bus error";
            case 8 -> "Floating point exception";
            case 9 -> "Killed";
            case 10 -> "User defined signal 1";
            case 11 -> "Segmentation fault";
            case 12 -> "User defined signal 2";
            case 13 -> "Broken pipe";
            case 14 -> "Alarm clock";
            case 15 -> "Terminated";
            case 16 -> "Stack fault";
            case 17 -> "Child exited";
            case 18 -> "Continued";
            case 19 -> "Stopped (signal)";
            case 20 -> "Stopped";
            case 21 -> "Stopped (tty input)";
            case 22 -> "Stopped (tty output)";
            case 23 -> "Urgent I/O condition";
            case 24 -> "CPU time limit exceeded";
            case 25 -> "File size limit exceeded";
            case 26 -> "Virtual timer expired";
            case 27 -> "Profiling timer expired";
            case 28 -> "Window changed";
            case 29 -> "I/O possible";
            case 30 -> "Power failure";
            case 31 -> "Bad system call";
            default -> sig >= 34 && sig <= 64 ? "Real-time signal " + (sig - 34) : "Unknown signal " + sig;
        };
    }
}
