package io.mesowhisk.mesos.constraints;

import java.util.Objects;

/**
 * A pending task as placement sees it: resources (Mesos fixed point, milli-units), the number of host ports it needs,
 * its constraints and its placement group (what UNIQUE, CLUSTER, GROUP_BY and MAX_PER count, Marathon's "app"; e.g.
 * the action name). Immutable; build with {@link #builder(String)}.
 */
public final class TaskRequest {

    private final String id;
    private final String group;
    private final long cpusMilli;
    private final long memMilli;
    private final long diskMilli;
    private final int ports;
    private final ConstraintSet constraints;

    private TaskRequest(Builder b) {
        this.id = b.id;
        this.group = b.group;
        this.cpusMilli = b.cpusMilli;
        this.memMilli = b.memMilli;
        this.diskMilli = b.diskMilli;
        this.ports = b.ports;
        this.constraints = b.constraints;
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    public String id() {
        return id;
    }

    public String group() {
        return group;
    }

    public long cpusMilli() {
        return cpusMilli;
    }

    public long memMilli() {
        return memMilli;
    }

    public long diskMilli() {
        return diskMilli;
    }

    /** Number of distinct host ports needed. */
    public int ports() {
        return ports;
    }

    public ConstraintSet constraints() {
        return constraints;
    }

    @Override
    public String toString() {
        return "task " + id;
    }

    /** Builder; validates at once. Defaults: group {@code ""}, no resources, no ports, {@link ConstraintSet#NONE}. */
    public static final class Builder {
        private final String id;
        private String group = "";
        private long cpusMilli;
        private long memMilli;
        private long diskMilli;
        private int ports;
        private ConstraintSet constraints = ConstraintSet.NONE;

        private Builder(String id) {
            if (id == null || id.isEmpty()) {
                throw new IllegalArgumentException("task id must not be empty");
            }
            this.id = id;
        }

        public Builder group(String group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        public Builder cpus(double cpus) {
            cpusMilli = milli("cpus", cpus);
            return this;
        }

        public Builder mem(double mem) {
            memMilli = milli("mem", mem);
            return this;
        }

        public Builder disk(double disk) {
            diskMilli = milli("disk", disk);
            return this;
        }

        public Builder ports(int ports) {
            if (ports < 0) {
                throw new IllegalArgumentException("task " + id + ": ports must be >= 0, got " + ports);
            }
            this.ports = ports;
            return this;
        }

        public Builder constraints(ConstraintSet constraints) {
            this.constraints = Objects.requireNonNull(constraints, "constraints");
            return this;
        }

        public TaskRequest build() {
            return new TaskRequest(this);
        }

        private long milli(String what, double value) {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("task " + id + ": " + what + " must be a finite number >= 0, got " + value);
            }
            return Math.round(value * 1000);
        }
    }
}
