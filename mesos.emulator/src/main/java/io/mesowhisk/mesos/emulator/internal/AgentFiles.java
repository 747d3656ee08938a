package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.emulator.internal.Model.Agent;
import io.mesowhisk.mesos.emulator.internal.Model.Task;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * An agent's read-only HTTP endpoints: {@code /state} (frameworks → executors with their sandbox directory) and
 * {@code /files/read|browse|download|debug} with Mesos's semantics (M:src/files/files.cpp).
 */
final class AgentFiles {

    /** 16 memory pages of 4 KiB. */
    static final int MAX_READ = 16 * 4096;
    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final Master master;

    AgentFiles(Master master) {
        this.master = master;
    }

    void handle(Agent agent, Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        Fields query = Request.extractQueryParameters(request);
        switch (path) {
            case "/state", "/state.json", "/slave(1)/state" -> HttpFront.send(response, callback, 200, JSON,
                master.call(() -> state(agent)));
            case "/files/read", "/files/read.json" -> read(agent, query, response, callback);
            case "/files/browse", "/files/browse.json" -> browse(agent, query, response, callback);
            case "/files/download", "/files/download.json" -> download(agent, query, response, callback);
            case "/files/debug", "/files/debug.json" -> {
                Map<String, Path> attached = master.call(() -> attached(agent));
                StateJson j = new StateJson();
                Map<String, Object> m = new LinkedHashMap<>();
                attached.forEach((k, v) -> m.put(k, v.toString()));
                j.map(m);
                HttpFront.send(response, callback, 200, JSON, j.toString());
            }
            default -> HttpFront.send(response, callback, 404, TEXT, "");
        }
    }

    private String state(Agent a) {
        StateJson j = new StateJson();
        j.begin();
        j.field("id", a.id);
        j.field("hostname", a.hostname);
        j.field("pid", "slave(1)@" + master.config.host() + ":" + a.httpPort);
        j.field("master_hostname", master.config.host());
        j.key("flags").map(Map.of("work_dir", master.workDir().toString()));
        j.key("resources").map(a.total.summary());
        Map<String, List<Task>> byFramework = new LinkedHashMap<>();
        Map<String, List<Task>> completedByFramework = new LinkedHashMap<>();
        for (Task t : a.tasks.values()) {
            byFramework.computeIfAbsent(t.framework.id, k -> new ArrayList<>()).add(t);
        }
        for (Task t : a.completedTasks) {
            completedByFramework.computeIfAbsent(t.framework.id, k -> new ArrayList<>()).add(t);
        }
        j.key("frameworks").array();
        for (Map.Entry<String, List<Task>> e : byFramework.entrySet()) {
            frameworkState(j, e.getKey(), e.getValue(), completedByFramework.getOrDefault(e.getKey(), List.of()));
        }
        j.end(']');
        j.key("completed_frameworks").array();
        for (Map.Entry<String, List<Task>> e : completedByFramework.entrySet()) {
            if (!byFramework.containsKey(e.getKey())) {
                frameworkState(j, e.getKey(), List.of(), e.getValue());
            }
        }
        j.end(']');
        j.end('}');
        return j.toString();
    }

    private void frameworkState(StateJson j, String frameworkId, List<Task> live, List<Task> done) {
        Task any = !live.isEmpty() ? live.get(0) : done.get(0);
        j.begin();
        j.field("id", frameworkId);
        j.field("name", any.framework.info.getName());
        j.key("executors").array();
        for (Task t : live) {
            executorState(j, t);
        }
        j.end(']');
        j.key("completed_executors").array();
        for (Task t : done) {
            executorState(j, t);
        }
        j.end(']');
        j.end('}');
    }

    private void executorState(StateJson j, Task t) {
        j.begin();
        j.field("id", t.executorId);
        j.field("name", "Command Executor (Task: " + t.id() + ") (Command: " + t.info.getCommand().getValue() + ")");
        j.field("source", t.id());
        j.field("container", t.containerId);
        j.field("directory", t.sandbox == null ? "" : t.sandbox.toString());
        j.key(Model.isTerminal(t.state) ? "completed_tasks" : "tasks").array();
        Master.taskJson(j, t);
        j.end(']');
        j.key(Model.isTerminal(t.state) ? "tasks" : "completed_tasks").array();
        j.end(']');
        j.end('}');
    }

    /** Virtual path → real directory, as the agent attaches each executor's run directory three times. */
    private Map<String, Path> attached(Agent a) {
        Map<String, Path> m = new LinkedHashMap<>();
        List<Task> all = new ArrayList<>(a.tasks.values());
        all.addAll(a.completedTasks);
        for (Task t : all) {
            if (t.sandbox == null) {
                continue;
            }
            m.put(t.sandbox.toString(), t.sandbox);
            m.put(t.sandbox.getParent().resolve("latest").toString(), t.sandbox);
            m.put("/frameworks/" + t.framework.id + "/executors/" + t.executorId + "/runs/latest", t.sandbox);
        }
        return m;
    }

    /** Longest attached prefix + the rest; null if nothing is attached there or the rest escapes. */
    private Path resolve(Agent a, String path) throws BadPath {
        Map<String, Path> attached = master.call(() -> attached(a));
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String prefix = p;
        while (!prefix.isEmpty()) {
            Path root = attached.get(prefix);
            if (root != null) {
                String rest = p.substring(prefix.length());
                if (rest.startsWith("/")) {
                    rest = rest.substring(1);
                }
                Path resolved = rest.isEmpty() ? root : root.resolve(rest).normalize();
                if (!resolved.startsWith(root)) {
                    throw new BadPath("Path '" + path + "' points outside of the attached directory");
                }
                return resolved;
            }
            int slash = prefix.lastIndexOf('/');
            if (slash < 0) {
                break;
            }
            prefix = prefix.substring(0, slash);
        }
        return null;
    }

    private static final class BadPath extends Exception {
        private static final long serialVersionUID = 1L;

        BadPath(String m) {
            super(m);
        }
    }

    private void read(Agent a, Fields query, Response response, Callback callback) {
        String path = query.getValue("path");
        if (path == null || path.isEmpty()) {
            HttpFront.send(response, callback, 400, TEXT, "Expecting 'path=value' in query.\n");
            return;
        }
        long offset = -1;
        long length = -1;
        try {
            if (query.getValue("offset") != null) {
                offset = Long.parseLong(query.getValue("offset"));
            }
        } catch (NumberFormatException e) {
            HttpFront.send(response, callback, 400, TEXT, "Failed to parse offset: " + e.getMessage() + ".\n");
            return;
        }
        try {
            if (query.getValue("length") != null) {
                length = Long.parseLong(query.getValue("length"));
            }
        } catch (NumberFormatException e) {
            HttpFront.send(response, callback, 400, TEXT, "Failed to parse length: " + e.getMessage() + ".\n");
            return;
        }
        if (offset < -1) {
            HttpFront.send(response, callback, 400, TEXT, "Negative offset provided: " + offset + ".\n");
            return;
        }
        if (length < -1) {
            HttpFront.send(response, callback, 400, TEXT, "Negative length provided: " + length + ".\n");
            return;
        }
        Path file;
        try {
            file = resolve(a, path);
        } catch (BadPath e) {
            HttpFront.send(response, callback, 400, TEXT, e.getMessage() + ".\n");
            return;
        }
        if (file == null || !Files.exists(file)) {
            HttpFront.send(response, callback, 404, TEXT, "");
            return;
        }
        if (Files.isDirectory(file)) {
            HttpFront.send(response, callback, 400, TEXT, "Cannot read a directory.\n");
            return;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long size = f.length();
            byte[] data = new byte[0];
            long replyOffset;
            if (offset == -1) {
                replyOffset = size;
            } else if (offset >= size) {
                replyOffset = offset;
            } else {
                long want = length == -1 ? size - offset : Math.min(length, size - offset);
                want = Math.min(want, MAX_READ);
                data = new byte[(int) want];
                f.seek(offset);
                f.readFully(data);
                replyOffset = offset;
            }
            byte[] body = readBody(data, replyOffset);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
            response.write(true, ByteBuffer.wrap(body), callback);
        } catch (IOException e) {
            HttpFront.send(response, callback, 500, TEXT, "Failed to read file: " + e.getMessage());
        }
    }

    /** {"data":"<raw bytes, JSON-escaped>","offset":N}: the bytes go out as they are, as stout writes them. */
    static byte[] readBody(byte[] data, long offset) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(data.length + 32);
        out.writeBytes("{\"data\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (byte b : data) {
            int c = b & 0xff;
            switch (c) {
                case '"' -> out.writeBytes(new byte[] {'\\', '"'});
                case '\\' -> out.writeBytes(new byte[] {'\\', '\\'});
                case '\n' -> out.writeBytes(new byte[] {'\\', 'n'});
                case '\r' -> out.writeBytes(new byte[] {'\\', 'r'});
                case '\t' -> out.writeBytes(new byte[] {'\\', 't'});
                case '\b' -> out.writeBytes(new byte[] {'\\', 'b'});
                case '\f' -> out.writeBytes(new byte[] {'\\', 'f'});
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.writeBytes(String.format("\\u%04x", c).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    } else {
                        out.write(c);
                    }
                }
            }
        }
        out.writeBytes(("\",\"offset\":" + offset + "}").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private void browse(Agent a, Fields query, Response response, Callback callback) {
        String path = query.getValue("path");
        if (path == null || path.isEmpty()) {
            HttpFront.send(response, callback, 400, TEXT, "Expecting 'path=value' in query.\n");
            return;
        }
        Path dir;
        try {
            dir = resolve(a, path);
        } catch (BadPath e) {
            HttpFront.send(response, callback, 400, TEXT, e.getMessage() + ".\n");
            return;
        }
        if (dir == null || !Files.exists(dir)) {
            HttpFront.send(response, callback, 404, TEXT, "");
            return;
        }
        String virtualBase = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        StateJson j = new StateJson();
        j.array();
        try {
            List<Path> entries = new ArrayList<>();
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.forEach(entries::add);
                }
            } else {
                entries.add(dir);
                virtualBase = virtualBase.substring(0, Math.max(0, virtualBase.lastIndexOf('/')));
            }
            entries.sort(null);
            for (Path p : entries) {
                PosixFileAttributes attrs = Files.readAttributes(p, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
                j.begin();
                j.field("path", virtualBase + "/" + p.getFileName());
                j.field("nlink", Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS));
                j.field("size", attrs.size());
                j.field("mtime", attrs.lastModifiedTime().toMillis() / 1000);
                j.field("mode", mode(attrs));
                j.field("uid", attrs.owner().getName());
                j.field("gid", attrs.group().getName());
                j.end('}');
            }
        } catch (IOException | UnsupportedOperationException e) {
            HttpFront.send(response, callback, 500, TEXT, "Failed to browse: " + e.getMessage());
            return;
        }
        j.end(']');
        HttpFront.send(response, callback, 200, JSON, j.toString());
    }

    private static String mode(PosixFileAttributes a) {
        Set<PosixFilePermission> p = a.permissions();
        char type = a.isDirectory() ? 'd' : a.isSymbolicLink() ? 'l' : '-';
        return "" + type
            + (p.contains(PosixFilePermission.OWNER_READ) ? 'r' : '-')
            + (p.contains(PosixFilePermission.OWNER_WRITE) ? 'w' : '-')
            + (p.contains(PosixFilePermission.OWNER_EXECUTE) ? 'x' : '-')
            + (p.contains(PosixFilePermission.GROUP_READ) ? 'r' : '-')
            + (p.contains(PosixFilePermission.GROUP_WRITE) ? 'w' : '-')
            + (p.contains(PosixFilePermission.GROUP_EXECUTE) ? 'x' : '-')
            + (p.contains(PosixFilePermission.OTHERS_READ) ? 'r' : '-')
            + (p.contains(PosixFilePermission.OTHERS_WRITE) ? 'w' : '-')
            + (p.contains(PosixFilePermission.OTHERS_EXECUTE) ? 'x' : '-');
    }

    private void download(Agent a, Fields query, Response response, Callback callback) {
        String path = query.getValue("path");
        if (path == null || path.isEmpty()) {
            HttpFront.send(response, callback, 400, TEXT, "Expecting 'path=value' in query.\n");
            return;
        }
        try {
            Path file = resolve(a, path);
            if (file == null || !Files.exists(file)) {
                HttpFront.send(response, callback, 404, TEXT, "");
                return;
            }
            if (Files.isDirectory(file)) {
                HttpFront.send(response, callback, 400, TEXT, "Cannot download a directory.\n");
                return;
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
            response.write(true, ByteBuffer.wrap(Files.readAllBytes(file)), callback);
        } catch (BadPath e) {
            HttpFront.send(response, callback, 400, TEXT, e.getMessage() + ".\n");
        } catch (IOException e) {
            HttpFront.send(response, callback, 500, TEXT, "Failed to download: " + e.getMessage());
        }
    }
}
