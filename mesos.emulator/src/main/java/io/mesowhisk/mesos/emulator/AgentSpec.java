package io.mesowhisk.mesos.emulator;

import io.mesowhisk.mesos.emulator.internal.SpecParser;
import java.util.Objects;

/**
 * What one emulated agent offers: its resources and attributes in the Mesos agent flag syntax, validated at once.
 *
 * <p>Resources: {@code cpus:4;mem:4096;disk:10000;ports:[31000-32000];cpus(web):2} — {@code name(role)} reserves
 * statically for a role. Attributes: {@code rack:r1;weight:2.5;slots:[1-8];zones:{a,b}} give TEXT, SCALAR, RANGES
 * and SET attributes (SET is beyond the real agent flag syntax, which never yields it). Immutable.
 *
 * @param hostname   the agent's host name in offers ({@code null} = the emulator's host)
 * @param resources  resource text; blank = Mesos's defaults for a small agent
 * @param attributes attribute text; may be blank
 */
public record AgentSpec(String hostname, String resources, String attributes) {

    /** Resources when none are given: like an agent on a 4-core, 8 GB host with the default port range. */
    public static final String DEFAULT_RESOURCES = "cpus:4;mem:8192;disk:20000;ports:[31000-32000]";

    public AgentSpec {
        resources = resources == null || resources.isBlank() ? DEFAULT_RESOURCES : resources;
        attributes = attributes == null ? "" : attributes;
        SpecParser.resources(resources); // throws IllegalArgumentException naming the bad entry
        SpecParser.attributes(attributes);
    }

    public static AgentSpec of(String resources, String attributes) {
        return new AgentSpec(null, resources, attributes);
    }

    public static AgentSpec defaults() {
        return new AgentSpec(null, DEFAULT_RESOURCES, "");
    }

    public AgentSpec withHostname(String name) {
        return new AgentSpec(Objects.requireNonNull(name, "hostname"), resources, attributes);
    }
}
