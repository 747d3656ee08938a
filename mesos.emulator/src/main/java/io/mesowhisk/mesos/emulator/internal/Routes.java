package io.mesowhisk.mesos.emulator.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The endpoints of one emulated libprocess instance (a master's or an agent's port) and how libprocess finds the one
 * that serves a path: the first path segment names a process (when no process has that name, the request goes to
 * the delegate: {@code master} on a master, {@code slave(1)} on an agent), and within the process the longest
 * route that is a whole-segment prefix of the rest of the path wins ({@code ProcessManager::handle}, then
 * {@code ProcessBase}'s handler lookup, which shortens the path with {@code Path::dirname} until a route matches).
 * So {@code /api/v1/scheduler/subscribe} and {@code /master/api/v1/scheduler} are the scheduler endpoint and
 * {@code /api/v1/schedulers} is nothing. Immutable.
 */
final class Routes {

    static final Routes MASTER = new Routes("master",
        Map.of("master", Set.of("api/v1/scheduler", "state", "state.json")));

    static final Routes AGENT = new Routes("slave(1)", Map.of(
        "slave(1)", Set.of("state", "state.json"),
        "files", Set.of("read", "read.json", "browse", "browse.json", "download", "download.json", "debug",
            "debug.json")));

    private final String delegate;
    private final Map<String, Set<String>> endpoints;
    /** The answer for the paths clients use most, {@code /<route>} of the delegate: no parsing on the hot path. */
    private final Map<String, String> exact = new java.util.HashMap<>();

    private Routes(String delegate, Map<String, Set<String>> endpoints) {
        this.delegate = delegate;
        this.endpoints = endpoints;
        for (String route : endpoints.get(delegate)) {
            exact.put("/" + route, delegate + "/" + route);
        }
    }

    /** {@code process/route} of the endpoint that serves {@code path}, or null when none does (404). */
    String route(String path) {
        String known = exact.get(path);
        if (known != null && !endpoints.containsKey(path.substring(1))) {
            return known;
        }
        List<String> tokens = new ArrayList<>();
        for (String t : path.split("/")) {
            if (!t.isEmpty()) {
                tokens.add(t);
            }
        }
        String process;
        String name;
        if (!tokens.isEmpty() && endpoints.containsKey(tokens.get(0))) {
            process = tokens.get(0);
            name = path.substring(path.indexOf(process) + process.length());
        } else {
            process = delegate;
            name = path;
        }
        // the rest without its leading slashes, as strings::trim(name, PREFIX, "/") leaves it
        int start = 0;
        while (start < name.length() && name.charAt(start) == '/') {
            start++;
        }
        name = name.substring(start);
        Set<String> routes = endpoints.get(process);
        while (!dirname(name).equals(name)) {
            if (routes.contains(name)) {
                return process + "/" + name;
            }
            name = dirname(name);
        }
        return null;
    }

    /** stout's {@code Path::dirname}: trailing slashes dropped, then everything before the last slash, or ".". */
    static String dirname(String value) {
        if (value.isEmpty()) {
            return ".";
        }
        int end = value.length() - 1;
        if (value.length() > 1) {
            while (end > 0 && value.charAt(end) == '/') {
                end--;
            }
        }
        end = value.lastIndexOf('/', end);
        if (end < 0) {
            return ".";
        }
        if (end == 0) {
            return "/";
        }
        while (end > 0 && value.charAt(end) == '/') {
            end--;
        }
        return value.substring(0, end + 1);
    }
}
