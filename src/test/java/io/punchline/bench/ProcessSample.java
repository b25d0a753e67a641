package io.punchline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One reading of a Linux process from {@code /proc/PID}: resident memory and threads ({@code status}: VmRSS, Threads)
 * and CPU time used so far ({@code stat}: utime + stime, fields 14 and 15, in clock ticks).
 */
record ProcessSample(long rssKib, int threads, long cpuTicks) {

    /** Clock ticks per second of {@code /proc/PID/stat}: USER_HZ, 100 on every Linux the project runs on. */
    static final int TICKS_PER_SECOND = 100;

    static ProcessSample of(long pid) throws IOException {
        long rss = -1;
        int threads = -1;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
            }
        }
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // the command name (field 2) is in parentheses and may hold spaces: count fields after its closing one
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        long cpu = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15 of the whole line
        return new ProcessSample(rss, threads, cpu);
    }

    /** Share of one core used between {@code earlier} and this sample, {@code seconds} apart, in percent. */
    double corePercentSince(ProcessSample earlier, double seconds) {
        return (cpuTicks - earlier.cpuTicks) * 100.0 / TICKS_PER_SECOND / seconds;
    }
}
