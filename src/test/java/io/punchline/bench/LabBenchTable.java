package io.punchline.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The rows {@link LabBenchmark} measured, with their goals, as a markdown table. */
final class LabBenchTable {

    /** A goal next to a figure: what it asks, and whether the run met it. */
    record Goal(String text, boolean met) {
    }

    /** One line of the table; a NaN or negative figure prints as "-". */
    record Row(String name, double megabytesPerSecond, double cpuMillisPerMegabyte, long millisToDirect,
               List<Goal> goals, String notes) {

        static Row failed(String name, String why) {
            return new Row(name, Double.NaN, Double.NaN, -1, List.of(), "**error**: " + why);
        }

        /** This row with more goals, and {@code note} added to its notes. */
        Row with(String note, Goal... more) {
            List<Goal> all = new ArrayList<>(goals);
            all.addAll(List.of(more));
            return new Row(name, megabytesPerSecond, cpuMillisPerMegabyte, millisToDirect, List.copyOf(all), notes + note);
        }

        boolean met() {
            return goals.stream().allMatch(Goal::met);
        }
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    void add(Row row) {
        rows.add(row);
        System.err.println("lab-bench: " + line(row));
    }

    /** Something that happened during the run and is not a figure (printed under the table). */
    void note(String note) {
        notes.add(note);
        System.err.println("lab-bench: note: " + note);
    }

    /** The row named {@code name}, or null. */
    Row row(String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| case | MB/s | CPU-ms per MB (both engines) | time to direct | goal | result | notes |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            out.append(line(row)).append('\n');
        }
        if (!notes.isEmpty()) {
            out.append('\n');
            notes.forEach(note -> out.append("- ").append(note).append('\n'));
        }
        return out.toString();
    }

    private static String line(Row row) {
        String goals = String.join("; ", row.goals().stream().map(Goal::text).toList());
        String result;
        if (row.goals().isEmpty()) {
            result = row.notes().startsWith("**error**") ? "FAIL" : "";
        } else if (row.met()) {
            result = "PASS";
        } else {
            result = "**FAIL**" + (row.goals().size() > 1 ? " (" + String.join("; ", row.goals().stream()
                    .filter(g -> !g.met()).map(Goal::text).toList()) + ")" : "");
        }
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |", row.name(),
                number(row.megabytesPerSecond()), number(row.cpuMillisPerMegabyte()),
                row.millisToDirect() >= 0 ? row.millisToDirect() + " ms" : "-", goals, result, row.notes());
    }

    static String number(double value) {
        if (Double.isNaN(value) || value < 0) {
            return "-";
        }
        return String.format(Locale.ROOT, value >= 100 ? "%.0f" : "%.1f", value);
    }

    static String seconds(double value) {
        return String.format(Locale.ROOT, "%.2f s", value);
    }

    /** The median of some figures (the lower middle one for an even count); NaN for none. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get((sorted.size() - 1) / 2);
    }
}
