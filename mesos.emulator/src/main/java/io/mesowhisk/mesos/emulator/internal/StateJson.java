package io.mesowhisk.mesos.emulator.internal;

import com.google.protobuf.MessageOrBuilder;
import io.mesowhisk.mesos.emulator.internal.Model.Task;
import io.mesowhisk.mesos.v1.Protos.ContainerStatus;
import io.mesowhisk.mesos.v1.Protos.Label;
import io.mesowhisk.mesos.v1.Protos.Labels;
import io.mesowhisk.mesos.v1.Protos.NetworkInfo;
import io.mesowhisk.mesos.v1.Protos.TaskInfo;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.Protos.Value;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A minimal streaming JSON writer for the read-only state views, and the objects of Mesos's state model that the
 * master's and the agent's {@code /state} share (M:src/common/http.cpp). Not thread-safe.
 */
final class StateJson {

    private final StringBuilder out = new StringBuilder(1024);
    private boolean needComma;

    void begin() {
        comma();
        out.append('{');
        needComma = false;
    }

    void array() {
        out.append('[');
        needComma = false;
    }

    void end(char c) {
        out.append(c);
        needComma = true;
    }

    StateJson key(String k) {
        comma();
        MesosJson.string(k, out);
        out.append(':');
        needComma = false;
        return this;
    }

    void field(String k, Object v) {
        key(k);
        value(v);
    }

    void value(Object v) {
        comma();
        if (v == null) {
            out.append("null");
        } else if (v instanceof String s) {
            MesosJson.string(s, out);
        } else if (v instanceof Double d) {
            number(d, out);
        } else {
            out.append(v);
        }
        needComma = true;
    }

    /** A protobuf message as stout's {@code JSON::Protobuf} writes it. */
    void message(MessageOrBuilder m) {
        comma();
        out.append(MesosJson.write(m));
        needComma = true;
    }

    void map(Map<String, Object> m) {
        begin();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            field(e.getKey(), e.getValue());
        }
        end('}');
    }

    void strings(List<String> list) {
        array();
        for (String s : list) {
            value(s);
        }
        end(']');
    }

    private void comma() {
        if (needComma) {
            out.append(',');
            needComma = false;
        }
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /**
     * A double as stout's {@code NumberWriter} prints it (M:3rdparty/stout/include/stout/jsonify.hpp): {@code %#.15g}
     * with the trailing zeros cut and at least one digit after the point, so 0 is {@code 0.0}, 0.1 is {@code 0.1} and
     * a timestamp is {@code 1700000000.12346}, never in exponent form. Outside the plain range of {@code %g} (below
     * 1e-4 or from 1e15) Java's own form is used; no state value is that small or large.
     */
    static void number(double d, StringBuilder out) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            MesosJson.string(Double.isNaN(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"), out);
            return;
        }
        if (d != 0 && (Math.abs(d) < 1e-4 || decimalExponent(d, 15) >= 15)) {
            out.append(d);
            return;
        }
        String g = printfG(d, 15);
        out.append(g);
        if (g.indexOf('.') < 0) {
            out.append(".0");
        }
    }

    /**
     * C's {@code %.<precision>g} without the {@code #} flag, as printf and C++ streams write a double: {@code
     * precision} significant digits, rounded half-even from the exact binary value, trailing zeros and a bare point
     * dropped, exponent form ({@code 1e+17}) when the exponent is below -4 or not below the precision.
     */
    static String printfG(double d, int precision) {
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        BigDecimal rounded = new BigDecimal(d).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= precision) {
            String digits = rounded.unscaledValue().abs().toString().replaceAll("0+$", "");
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        }
        String plain = rounded.toPlainString();
        return plain.indexOf('.') < 0 ? plain : plain.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static int decimalExponent(double d, int precision) {
        BigDecimal rounded = new BigDecimal(d).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        return rounded.precision() - rounded.scale() - 1;
    }

    // ------------------------------------------------------------------ Mesos's state model

    /**
     * A task as {@code json(ObjectWriter*, const Task&)} writes it (M:src/common/http.cpp), from the Task that
     * {@code protobuf::createTask} makes of the TaskInfo (M:src/common/protobuf_utils.cpp): no {@code agent_id}, no
     * top-level {@code healthy}; {@code executor_id} is empty for a command task; {@code role} is the allocation role;
     * {@code user}, {@code labels}, {@code discovery}, {@code container} and {@code health_check} only when the
     * TaskInfo has them. {@code state} and {@code statuses} are the viewer's: the master's or the agent's.
     */
    void task(Task t, TaskState state, List<TaskStatus> statuses) {
        TaskInfo info = t.info;
        begin();
        field("id", t.id());
        field("name", info.getName());
        field("framework_id", t.framework.id);
        field("executor_id", info.hasExecutor() ? info.getExecutor().getExecutorId().getValue() : "");
        field("slave_id", t.agent.id);
        field("state", state.name());
        key("resources").map(t.resources.summary());
        if (info.getLimitsCount() > 0) {
            key("limits").begin();
            for (Map.Entry<String, Value.Scalar> e : info.getLimitsMap().entrySet()) {
                field(e.getKey(), e.getValue().getValue());
            }
            end('}');
        }
        field("role", t.role);
        key("statuses").array();
        for (TaskStatus s : statuses) {
            status(s);
        }
        end(']');
        if (info.hasCommand() && info.getCommand().hasUser()) {
            field("user", info.getCommand().getUser());
        } else if (info.hasExecutor() && info.getExecutor().getCommand().hasUser()) {
            field("user", info.getExecutor().getCommand().getUser());
        }
        if (info.hasLabels()) {
            key("labels");
            labels(info.getLabels());
        }
        if (info.hasDiscovery()) {
            key("discovery").message(info.getDiscovery());
        }
        if (info.hasContainer()) {
            key("container").message(info.getContainer());
        }
        if (info.hasHealthCheck()) {
            key("health_check").message(info.getHealthCheck());
        }
        end('}');
    }

    /**
     * The statuses as Mesos keeps them in a Task (M:src/master/master.cpp {@code updateTask},
     * M:src/slave/slave.cpp {@code Executor::updateTaskState}): in order, and an update in the same state as the one
     * before replaces it.
     */
    static List<TaskStatus> folded(Iterable<TaskStatus> received) {
        List<TaskStatus> out = new ArrayList<>();
        for (TaskStatus s : received) {
            int last = out.size() - 1;
            if (last >= 0 && out.get(last).getState() == s.getState()) {
                out.set(last, s);
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /** {@code json(ObjectWriter*, const TaskStatus&)}: state, timestamp, labels, container_status, healthy. */
    private void status(TaskStatus s) {
        begin();
        field("state", s.getState().name());
        field("timestamp", s.getTimestamp());
        if (s.hasLabels()) {
            key("labels");
            labels(s.getLabels());
        }
        if (s.hasContainerStatus()) {
            key("container_status");
            containerStatus(s.getContainerStatus());
        }
        if (s.hasHealthy()) {
            field("healthy", s.getHealthy());
        }
        end('}');
    }

    /**
     * {@code json(ObjectWriter*, const ContainerStatus&)}: container_id and network_infos, no executor_pid (and no
     * cgroup_info, which these messages do not have).
     */
    private void containerStatus(ContainerStatus c) {
        begin();
        if (c.hasContainerId()) {
            key("container_id").message(c.getContainerId());
        }
        if (c.getNetworkInfosCount() > 0) {
            key("network_infos").array();
            for (NetworkInfo n : c.getNetworkInfosList()) {
                networkInfo(n);
            }
            end(']');
        }
        end('}');
    }

    /** {@code json(ObjectWriter*, const NetworkInfo&)}: groups, labels (as an array), ip_addresses, name, ports. */
    private void networkInfo(NetworkInfo n) {
        begin();
        if (n.getGroupsCount() > 0) {
            key("groups").strings(n.getGroupsList());
        }
        if (n.hasLabels()) {
            key("labels");
            labels(n.getLabels());
        }
        if (n.getIpAddressesCount() > 0) {
            key("ip_addresses").array();
            for (NetworkInfo.IPAddress ip : n.getIpAddressesList()) {
                message(ip);
            }
            end(']');
        }
        if (n.hasName()) {
            field("name", n.getName());
        }
        if (n.getPortMappingsCount() > 0) {
            key("port_mappings").array();
            for (NetworkInfo.PortMapping p : n.getPortMappingsList()) {
                message(p);
            }
            end(']');
        }
        end('}');
    }

    /** {@code json(ArrayWriter*, const Labels&)}: the labels themselves, as an array, not a Labels object. */
    void labels(Labels labels) {
        array();
        for (Label l : labels.getLabelsList()) {
            message(l);
        }
        end(']');
    }
}
