package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.emulator.internal.Model.Agent;
import io.mesowhisk.mesos.emulator.internal.Model.AgentState;
import io.mesowhisk.mesos.emulator.internal.Model.Framework;
import io.mesowhisk.mesos.emulator.internal.Model.Offer;
import io.mesowhisk.mesos.emulator.internal.Model.Task;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.ContainerInfo;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.Protos.TaskInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The master's validation of what schedulers send, with Mesos's messages (M:src/master/validation.cpp,
 * M:src/common/validation.cpp): FrameworkInfo on SUBSCRIBE and UPDATE_FRAMEWORK, the offers of an ACCEPT and each
 * task it launches. Pure functions of their arguments; stateless and thread-safe.
 */
final class Validation {

    private Validation() {
    }

    /** M:src/master/validation.cpp {@code framework::validate}, then {@code validateSuppressedRoles}. */
    static String validateFrameworkInfo(FrameworkInfo info, List<String> suppressedRoles) {
        boolean multiRole = info.getCapabilitiesList().stream()
            .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.MULTI_ROLE);
        List<String> roles;
        if (multiRole) {
            if (info.hasRole()) {
                return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable";
            }
            java.util.TreeSet<String> seen = new java.util.TreeSet<>();
            java.util.TreeSet<String> duplicates = new java.util.TreeSet<>();
            for (String r : info.getRolesList()) {
                if (!seen.add(r)) {
                    duplicates.add(r);
                }
            }
            if (!duplicates.isEmpty()) {
                return "'FrameworkInfo.roles' contains duplicate items: " + stoutSet(duplicates);
            }
            for (String r : info.getRolesList()) {
                String e = Roles.validate(r);
                if (e != null) {
                    return "'FrameworkInfo.roles' contains invalid role: " + e;
                }
            }
            roles = info.getRolesList();
        } else {
            if (info.getRolesCount() > 0) {
                return "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable";
            }
            String e = Roles.validate(info.getRole());
            if (e != null) {
                return "'FrameworkInfo.role' is not a valid role: " + e;
            }
            roles = List.of(info.getRole());
        }
        String filters = validateOfferFilters(info);
        if (filters != null) {
            return filters;
        }
        // Duration::create accepts any number of seconds whose nanoseconds fit in an int64, negative ones too
        double ft = info.getFailoverTimeout();
        if (Double.isNaN(ft) || Math.abs(ft * 1e9) > Long.MAX_VALUE) {
            return "The framework failover_timeout (" + cppDouble(ft) + ") is invalid";
        }
        return validateSuppressedRoles(roles, suppressedRoles);
    }

    /** M:src/master/validation.cpp {@code framework::validateUpdate}: principal (set or not), user, checkpoint. */
    static String validateUpdate(FrameworkInfo old, FrameworkInfo updated) {
        if (old.hasPrincipal() != updated.hasPrincipal() || !old.getPrincipal().equals(updated.getPrincipal())) {
            return "Changing framework's principal is not allowed.";
        }
        if (!updated.getUser().equals(old.getUser())) {
            return "Updating 'FrameworkInfo.user' is unsupported; attempted to update from '" + old.getUser()
                + "' to '" + updated.getUser() + "'";
        }
        if (updated.getCheckpoint() != old.getCheckpoint()) {
            return "Updating 'FrameworkInfo.checkpoint' is unsupported; attempted to update from '"
                + old.getCheckpoint() + "' to '" + updated.getCheckpoint() + "'";
        }
        return null;
    }

    /** M:src/common/validation.cpp {@code validateOfferFilters} and {@code validateInputScalarValue}. */
    static String validateOfferFilters(FrameworkInfo info) {
        for (Protos.OfferFilters filters : info.getOfferFiltersMap().values()) {
            for (Protos.OfferFilters.ResourceQuantities quantities
                : filters.getMinAllocatableResources().getQuantitiesList()) {
                if (quantities.getQuantitiesCount() == 0) {
                    return "Resource quantities must contain at least one quantity";
                }
                for (Map.Entry<String, Protos.Value.Scalar> q : quantities.getQuantitiesMap().entrySet()) {
                    double v = q.getValue().getValue();
                    String problem = Double.isInfinite(v) ? "Infinite values not supported"
                        : Double.isNaN(v) ? "NaN not supported"
                        : v != 0 && Math.abs(v) < Double.MIN_NORMAL ? "Subnormal values not supported"
                        : v < 0 ? "Negative values not supported" : null;
                    if (problem != null) {
                        return "Invalid resource quantity for '" + q.getKey() + "': " + problem;
                    }
                }
            }
        }
        return null;
    }

    static String validateSuppressedRoles(List<String> roles, List<String> suppressedRoles) {
        java.util.TreeSet<String> invalid = new java.util.TreeSet<>(suppressedRoles);
        invalid.removeAll(roles);
        if (!invalid.isEmpty()) {
            return "Suppressed roles " + stoutSet(invalid) + " are not contained in the set of roles";
        }
        return null;
    }

    /** A set as stout's {@code stringify} writes it: {@code { a, b }}. */
    static String stoutSet(java.util.SortedSet<String> items) {
        return "{ " + String.join(", ", items) + " }";
    }

    /** A double as C++'s {@code operator<<} writes it (stout's {@code stringify}): {@code %g}, 6 digits. */
    static String cppDouble(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return StateJson.printfG(d, 6);
    }

    /**
     * M:src/master/validation.cpp {@code offer::validate}: each check runs over the whole list before the next one
     * (unique ids, then every id still valid, then framework, then role, then agent), so the first check that any
     * offer fails decides the message.
     */
    static String validateOffers(Map<String, Offer> offers, Framework f, List<OfferID> ids) {
        if (ids.isEmpty()) {
            return "No offers specified";
        }
        Set<String> seen = new HashSet<>();
        for (OfferID id : ids) {
            if (!seen.add(id.getValue())) {
                return "Duplicate offer " + id.getValue() + " in offer list";
            }
        }
        List<Offer> found = new ArrayList<>();
        for (OfferID id : ids) {
            Offer o = offers.get(id.getValue());
            if (o == null) {
                return "Offer " + id.getValue() + " is no longer valid";
            }
            found.add(o);
        }
        for (Offer o : found) {
            if (o.framework != f) {
                return "Offer " + o.id + " has invalid framework " + o.framework.id
                    + " while framework " + f.id + " is expected";
            }
        }
        String role = found.get(0).role;
        for (Offer o : found) {
            if (!role.equals(o.role)) {
                return "Aggregated offers must be allocated to the same role. Offer " + o.id
                    + " uses role " + o.role + " but another is allocated to role " + role;
            }
        }
        String agent = found.get(0).agent.id;
        for (Offer o : found) {
            if (!agent.equals(o.agent.id)) {
                return "Aggregated offers must belong to one single agent. Offer " + o.id
                    + " uses agent " + o.agent.id + " and agent " + agent;
            }
        }
        return null;
    }

    /**
     * A health check without a type gets the one its fields imply, as the master does for older schedulers
     * (M:src/master/master.cpp {@code _accept}): COMMAND when only {@code command} is set, HTTP when only
     * {@code http} is.
     */
    static TaskInfo withInferredHealthCheckType(TaskInfo t) {
        if (!t.hasHealthCheck() || t.getHealthCheck().hasType()) {
            return t;
        }
        Protos.HealthCheck h = t.getHealthCheck();
        Protos.HealthCheck.Type type;
        if (h.hasCommand() && !h.hasHttp()) {
            type = Protos.HealthCheck.Type.COMMAND;
        } else if (h.hasHttp() && !h.hasCommand()) {
            type = Protos.HealthCheck.Type.HTTP;
        } else {
            return t;
        }
        return t.toBuilder().setHealthCheck(h.toBuilder().setType(type)).build();
    }

    /**
     * The master's task validation, in its order (M:src/master/validation.cpp {@code task::internal::validateTask},
     * then {@code validateExecutor} up to the resource totals, which the caller checks against the offer).
     */
    static String validateTask(Framework f, Agent agent, TaskInfo t, Set<String> launchedIds) {
        String id = t.getTaskId().getValue();
        if (id.isEmpty()) {
            return "ID must not be empty";
        }
        if (id.length() > 255) {
            return "ID must not be greater than 255 characters";
        }
        if (id.equals(".") || id.equals("..")) {
            return "'" + id + "' is disallowed";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c) || c == '/' || c == '\\') {
                return "'" + id + "' contains invalid characters";
            }
        }
        Task existing = f.tasks.get(id);
        if (existing != null && existing.agent.state == AgentState.UNREACHABLE) {
            return "Task reuses the ID of an unreachable task: " + id;
        }
        if (existing != null || launchedIds.contains(id)) {
            return "Task has duplicate ID: " + id;
        }
        if (!t.getAgentId().getValue().equals(agent.id)) {
            return "Task uses invalid agent " + t.getAgentId().getValue() + " while agent " + agent.id
                + " is expected";
        }
        if (t.hasKillPolicy() && t.getKillPolicy().hasGracePeriod()
            && t.getKillPolicy().getGracePeriod().getNanoseconds() < 0) {
            return "Task's 'kill_policy.grace_period' must be non-negative";
        }
        if (t.hasMaxCompletionTime() && t.getMaxCompletionTime().getNanoseconds() < 0) {
            return "Task's `max_completion_time` must be non-negative";
        }
        if (t.hasHealthCheck()) {
            String h = validateHealthCheck(t.getHealthCheck());
            if (h != null) {
                return "Task uses invalid health check: " + h;
            }
        }
        if (t.getResourcesCount() == 0) {
            return "Task uses no resources";
        }
        try {
            ResourceBag.fromProtos(t.getResourcesList());
        } catch (IllegalArgumentException e) {
            return "Task uses invalid resources: " + e.getMessage();
        }
        if (t.hasContainer()) {
            String c = validateContainerInfo(t.getContainer());
            if (c != null) {
                return "Task's `ContainerInfo` is invalid: " + c;
            }
        }
        if (t.hasExecutor() == t.hasCommand()) {
            return "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present";
        }
        if (t.hasExecutor()) {
            if (t.getExecutor().hasType() && t.getExecutor().getType() != Protos.ExecutorInfo.Type.CUSTOM) {
                return "'ExecutorInfo.type' must be 'CUSTOM'";
            }
            if (!t.getExecutor().hasCommand()) {
                return "'ExecutorInfo.command' must be set";
            }
        }
        return null;
    }

    /** M:src/common/validation.cpp {@code validateContainerInfo}, the DOCKER part. */
    static String validateContainerInfo(ContainerInfo c) {
        if (c.getType() == ContainerInfo.Type.DOCKER) {
            if (!c.hasDocker()) {
                return "DockerInfo 'docker' is not set for DOCKER typed ContainerInfo";
            }
            for (Protos.Parameter p : c.getDocker().getParametersList()) {
                if (p.getKey().equals("name")) {
                    return "Parameter in DockerInfo must not be 'name'";
                }
            }
        }
        return null;
    }

    /** M:src/common/validation.cpp {@code validateHealthCheck}. */
    static String validateHealthCheck(Protos.HealthCheck h) {
        if (!h.hasType()) {
            return "HealthCheck must specify 'type'";
        }
        switch (h.getType()) {
            case COMMAND -> {
                if (!h.hasCommand()) {
                    return "Expecting 'command' to be set for COMMAND health check";
                }
                if (!h.getCommand().hasValue()) {
                    return "Command health check must contain "
                        + (h.getCommand().getShell() ? "'shell command'" : "'executable path'");
                }
            }
            case HTTP -> {
                if (!h.hasHttp()) {
                    return "Expecting 'http' to be set for HTTP health check";
                }
                String scheme = h.getHttp().getScheme();
                if (h.getHttp().hasScheme() && !scheme.equals("http") && !scheme.equals("https")) {
                    return "Unsupported HTTP health check scheme: '" + scheme + "'";
                }
                if (h.getHttp().hasPath() && !h.getHttp().getPath().startsWith("/")) {
                    return "The path '" + h.getHttp().getPath() + "' of HTTP health check must start with '/'";
                }
            }
            case TCP -> {
                if (!h.hasTcp()) {
                    return "Expecting 'tcp' to be set for TCP health check";
                }
            }
            default -> {
                return "'" + h.getType().name() + "' is not a valid health check type";
            }
        }
        if (h.hasDelaySeconds() && h.getDelaySeconds() < 0) {
            return "Expecting 'delay_seconds' to be non-negative";
        }
        if (h.hasGracePeriodSeconds() && h.getGracePeriodSeconds() < 0) {
            return "Expecting 'grace_period_seconds' to be non-negative";
        }
        if (h.hasIntervalSeconds() && h.getIntervalSeconds() < 0) {
            return "Expecting 'interval_seconds' to be non-negative";
        }
        if (h.hasTimeoutSeconds() && h.getTimeoutSeconds() < 0) {
            return "Expecting 'timeout_seconds' to be non-negative";
        }
        return null;
    }
}
