package dev.wharf.bench;

import dev.wharf.bench.Workload.Metric;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The figures of a run: one row per metric, one column per registry, and the ratio of each Wharf to each
 * Distribution (the first baseline, the newest release, first).
 */
final class Results {
    /** A metric's median figure per registry label, or why there is none. */
    record Row(Metric metric, Map<String, Double> figures, Map<String, String> failures) {
        Double ratio(String wharf, String baseline) {
            Double w = figures.get(wharf);
            Double d = figures.get(baseline);
            return w == null || d == null || d == 0 ? null : w / d;
        }
    }

    /**
     * What is asked of a metric: with {@code ratio}, Wharf / the first baseline at least {@code bound}; without, Wharf's
     * own figure at most {@code bound} (in the metric's unit).
     */
    record Target(boolean ratio, double bound) {
        static Target ratioAtLeast(double bound) {
            return new Target(true, bound);
        }

        static Target figureAtMost(double bound) {
            return new Target(false, bound);
        }

        String text(Metric metric) {
            String number = bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
            return ratio ? ">= " + number + "x" : "<= " + number + " " + metric.unit();
        }

        /** Whether the row meets it, or null when a figure is missing. */
        Boolean met(Row row, String wharf, String baseline) {
            Double value = ratio ? row.ratio(wharf, baseline) : row.figures().get(wharf);
            return value == null ? null : ratio ? value >= bound : value <= bound;
        }
    }

    private final List<String> wharfLabels;
    private final List<String> baselines;
    /** The target of each metric (null: none), or null for a table without target columns. */
    private final Function<Metric, Target> targets;
    private final List<Row> rows = new ArrayList<>();

    Results(List<String> wharfLabels, List<String> baselines) {
        this(wharfLabels, baselines, null);
    }

    /** With a Target and a Met column: each metric's target, Wharf (the first) against the first baseline. */
    Results(List<String> wharfLabels, List<String> baselines, Function<Metric, Target> targets) {
        this.wharfLabels = wharfLabels;
        this.baselines = baselines;
        this.targets = targets;
    }

    void add(Metric metric, Map<String, Double> figures, Map<String, String> failures) {
        rows.add(new Row(metric, new LinkedHashMap<>(figures), new LinkedHashMap<>(failures)));
    }

    /** The geometric mean of Wharf/baseline over the push throughput metrics both registries completed, with their count. */
    String pushGeometricMean(String wharf, String baseline) {
        double logSum = 0;
        int n = 0;
        for (Row row : rows) {
            Double ratio = row.metric().push() ? row.ratio(wharf, baseline) : null;
            if (ratio != null) {
                logSum += Math.log(ratio);
                n++;
            }
        }
        return n == 0 ? "-" : ratio(Math.exp(logSum / n)) + " over " + n + " figures";
    }

    String markdown() {
        List<String> header = header();
        StringBuilder out = new StringBuilder();
        out.append("| ").append(String.join(" | ", header)).append(" |\n|");
        out.append(" --- |".repeat(2)).append(" ---: |".repeat(header.size() - 2)).append('\n');
        for (List<String> cells : body()) {
            out.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }
        out.append('\n').append(summary("- ")).append(failures("- "));
        return out.toString();
    }

    String text() {
        List<List<String>> table = new ArrayList<>();
        table.add(header());
        table.addAll(body());
        int[] widths = new int[table.get(0).size()];
        for (List<String> line : table) {
            for (int i = 0; i < line.size(); i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> line : table) {
            for (int i = 0; i < line.size(); i++) {
                String format = i < 2 ? "%-" + widths[i] + "s  " : "%" + widths[i] + "s  ";
                out.append(String.format(format, line.get(i)));
            }
            out.append('\n');
        }
        return out.append('\n').append(summary("")).append(failures("")).toString();
    }

    private List<String> header() {
        List<String> header = new ArrayList<>(List.of("Workload", "Unit"));
        header.addAll(wharfLabels);
        header.addAll(baselines);
        wharfLabels.forEach(w -> baselines.forEach(b -> header.add(w + " / " + b)));
        if (targets != null) {
            header.addAll(List.of("Target", "Met"));
        }
        return header;
    }

    private List<List<String>> body() {
        List<List<String>> lines = new ArrayList<>();
        for (Row row : rows) {
            List<String> cells = new ArrayList<>(List.of(row.metric().name(),
                    row.metric().unit() + (row.metric().higherIsBetter() ? "" : " (lower is better)")));
            wharfLabels.forEach(w -> cells.add(figure(row, w)));
            baselines.forEach(b -> cells.add(figure(row, b)));
            wharfLabels.forEach(w -> baselines.forEach(b -> cells.add(ratio(row.ratio(w, b)))));
            if (targets != null) {
                Target target = targets.apply(row.metric());
                Boolean met = target == null || wharfLabels.isEmpty() || baselines.isEmpty() ? null
                        : target.met(row, wharfLabels.get(0), baselines.get(0));
                cells.add(target == null ? "" : target.text(row.metric()));
                cells.add(target == null ? "" : met == null ? "-" : met ? "met" : "MISSED");
            }
            lines.add(cells);
        }
        return lines;
    }

    private String summary(String bullet) {
        StringBuilder out = new StringBuilder();
        for (String wharf : wharfLabels) {
            for (String baseline : baselines) {
                out.append(bullet).append("Geometric mean of push throughput ratios (plain HTTP), ").append(wharf).append(" / ")
                        .append(baseline).append(": ").append(pushGeometricMean(wharf, baseline)).append('\n');
            }
        }
        return out.toString();
    }

    /** Each failure once, under the first metric it cost (one set-up failure fails every cell of its workload). */
    private String failures(String bullet) {
        Set<String> seen = new HashSet<>();
        StringBuilder out = new StringBuilder();
        for (Row row : rows) {
            row.failures().forEach((label, why) -> {
                if (seen.add(label + why)) {
                    out.append(bullet).append(label).append(" failed ").append(row.metric().name()).append(": ").append(why).append('\n');
                }
            });
        }
        return out.toString();
    }

    private static String ratio(Double ratio) {
        return ratio == null ? "-" : String.format(Locale.ROOT, "%.2fx", ratio);
    }

    private static String figure(Row row, String label) {
        Double value = row.figures().get(label);
        if (value == null) {
            return row.failures().containsKey(label) ? "failed" : "-";
        }
        String format = value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, format, value);
    }
}
