package dev.wharf.bench;

import java.util.List;

/** A family of measurements (say, monolithic pushes) with the set-up they need on each registry. */
interface Workload {
    /** Short id, matched by prefix against {@code -Dbench.workloads}. */
    String id();

    /** Puts on {@code contender} what the cells will read (runs once per registry, untimed). */
    default void prepare(Contender contender) throws Exception {
    }

    List<Cell> cells();

    /** Whether it runs on the registries' HTTPS instances rather than on their plain HTTP ones. */
    default boolean overTls() {
        return false;
    }

    /** A workload over plain HTTP from its parts. */
    static Workload of(String id, Preparation preparation, List<Cell> cells) {
        return of(id, false, preparation, cells);
    }

    /** A workload from its parts. */
    static Workload of(String id, boolean overTls, Preparation preparation, List<Cell> cells) {
        return new Workload() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public boolean overTls() {
                return overTls;
            }

            @Override
            public void prepare(Contender contender) throws Exception {
                preparation.prepare(contender);
            }

            @Override
            public List<Cell> cells() {
                return cells;
            }
        };
    }

    /** The untimed set-up of a workload on one registry. */
    @FunctionalInterface
    interface Preparation {
        Preparation NONE = contender -> { };

        void prepare(Contender contender) throws Exception;
    }

    /** What is reported for one measurement. {@code push} metrics enter the geometric mean of push ratios. */
    record Metric(String name, String unit, boolean higherIsBetter, boolean push) {
        static Metric throughput(String name, boolean push) {
            return new Metric(name, "MiB/s", true, push);
        }

        static Metric rate(String name) {
            return new Metric(name, "req/s", true, false);
        }

        static Metric lowerIsBetter(String name, String unit) {
            return new Metric(name, unit, false, false);
        }

        /** The server's CPU time per GiB a push or pull moved (user plus system, all its threads). */
        static Metric cpuPerGiB(String name) {
            return lowerIsBetter(name + ", server CPU", "CPU s/GiB");
        }
    }

    /** One measurement, taken on each registry in turn. */
    interface Cell {
        List<Metric> metrics();

        /**
         * Measures once; answers one figure per metric. The warm-up pass also verifies what it reads
         * (which would be too costly on every pass) and may use a smaller volume.
         */
        double[] measure(Contender contender, boolean warmUp) throws Exception;

        /** A cell measured once per registry with no warm-up (the long memory run). */
        default boolean once() {
            return false;
        }
    }
}
