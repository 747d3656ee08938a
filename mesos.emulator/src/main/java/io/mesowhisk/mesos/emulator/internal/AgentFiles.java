package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.emulator.internal.Model.Agent;
import io.mesowhisk.mesos.emulator.internal.Model.Task;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

    /** {@code endpoint}: the {@link Routes#AGENT} endpoint that serves the request. */
    void handle(Agent agent, String endpoint, Request request, Response response, Callback callback) {
        Fields query = Request.extractQueryParameters(request);
        switch (endpoint) {
            case "slave(1)/state", "slave(1)/state.json" -> HttpFront.send(response, callback, 200, JSON,
                master.call(() -> AgentStateView.state(master, agent)));
            case "files/read", "files/read.json" -> read(agent, query, response, callback);
            case "files/browse", "files/browse.json" -> browse(agent, query, response, callback);
            case "files/download", "files/download.json" -> download(agent, query, response, callback);
            case "files/debug", "files/debug.json" -> {
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

    /**
     * Virtual path to real path as {@code FilesProcess::resolve} does it: the path (minus one trailing '/') is split
     * on '/', the longest attached prefix wins and the rest is joined onto the attached directory's real path, which
     * is then canonicalized with realpath(3). Null (404) when nothing is attached there or nothing exists; a
     * {@link BadPath} (400) when the canonical path does not start with the attached directory's real path (a plain
     * string prefix, as {@code strings::startsWith} compares) or realpath fails otherwise.
     */
    private Path resolve(Agent a, String virtualPath) throws BadPath {
        Map<String, Path> attached = master.call(() -> attached(a));
        List<String> tokens = new ArrayList<>(Arrays.asList(removeSuffix(fromUri(virtualPath)).split("/", -1)));
        String suffix = "";
        while (!tokens.isEmpty()) {
            Path root = attached.get(join(tokens));
            String realRoot = root == null ? null : realRoot(root);
            if (realRoot == null) {
                // not attached (the agent's attach fails, and so attaches nothing, when realpath fails)
                String last = tokens.remove(tokens.size() - 1);
                suffix = suffix.isEmpty() ? last : join(last, suffix);
                continue;
            }
            if (!Files.isDirectory(Path.of(realRoot))) {
                return suffix.isEmpty() ? Path.of(realRoot) : null;
            }
            String joined = join(realRoot, suffix);
            Path canonical = realpath(joined);
            if (canonical == null) {
                return null;
            }
            if (!canonical.toString().startsWith(realRoot)) {
                throw new BadPath("'" + joined + "' is inaccessible");
            }
            return canonical;
        }
        return null;
    }

    private static String realRoot(Path root) {
        try {
            return root.toRealPath().toString();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    private static final String ELOOP = "Too many levels of symbolic links";

    /** {@code os::realpath}: null for ENOENT and ENOTDIR, a {@link BadPath} with strerror's text otherwise. */
    private static Path realpath(String path) throws BadPath {
        try {
            Path real = Path.of(path).toRealPath();
            // Path.of drops a trailing '/', which realpath(3) accepts only on a directory (ENOTDIR otherwise)
            return path.endsWith("/") && !Files.isDirectory(real) ? null : real;
        } catch (InvalidPathException | NoSuchFileException | NotDirectoryException e) {
            return null;
        } catch (AccessDeniedException e) {
            throw canonicalFailure(path, "Permission denied");
        } catch (FileSystemException e) {
            String reason = e.getReason() == null ? e.getMessage() : e.getReason();
            if (reason.startsWith("Not a directory")) {
                return null;
            }
            // the JDK appends " or unable to access attributes of symbolic link" to ELOOP's strerror
            throw canonicalFailure(path, reason.startsWith(ELOOP) ? ELOOP : reason);
        } catch (IOException e) {
            throw canonicalFailure(path, e.getMessage());
        }
    }

    private static BadPath canonicalFailure(String path, String error) {
        return new BadPath("Failed to determine canonical path of '" + path + "': " + error);
    }

    /** {@code path::from_uri} on POSIX: drops one leading "file://". */
    private static String fromUri(String uri) {
        return uri.startsWith("file://") ? uri.substring("file://".length()) : uri;
    }

    /** {@code strings::remove(s, "/", SUFFIX)}: one trailing '/' at most. */
    private static String removeSuffix(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** {@code path::join(a, b)}: one '/' between, dropping at most one from the end of a and the start of b. */
    static String join(String a, String b) {
        return removeSuffix(a) + "/" + (b.startsWith("/") ? b.substring(1) : b);
    }

    private static String join(List<String> parts) {
        String result = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            result = join(result, parts.get(i));
        }
        return result;
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
        if (dir == null) {
            HttpFront.send(response, callback, 404, TEXT, "");
            return;
        }
        // os::ls: a failure (not a directory, unreadable) lists nothing, and the answer is still 200
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(entries::add);
        } catch (IOException | UncheckedIOException e) {
            entries.clear();
        }
        entries.sort(null); // Mesos keeps them in a std::map keyed by the full path: byte order
        String base = fromUri(path);
        StateJson j = new StateJson();
        j.array();
        for (Path p : entries) {
            Map<String, Object> st;
            try {
                // stat(2), not lstat: a symlink shows as its target; one that stat cannot follow is left out
                st = Files.readAttributes(p, "unix:mode,nlink,size,lastModifiedTime,owner,group");
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                continue;
            }
            // model(FileInfo) builds a JSON::Object, a std::map: the keys come out sorted
            j.begin();
            j.field("gid", ((GroupPrincipal) st.get("group")).getName());
            j.field("mode", mode((Integer) st.get("mode")));
            // Nanoseconds(mtime).secs() is a double, which stout writes with a ".0"
            j.field("mtime", (double) ((FileTime) st.get("lastModifiedTime")).to(TimeUnit.SECONDS));
            j.field("nlink", st.get("nlink"));
            j.field("path", join(base, p.getFileName().toString()));
            j.field("size", st.get("size"));
            j.field("uid", ((UserPrincipal) st.get("owner")).getName());
            j.end('}');
        }
        j.end(']');
        HttpFront.send(response, callback, 200, JSON, j.toString());
    }

    /** "drwxr-xr-x" from st_mode, as model(FileInfo) formats it: type letter, then the nine permission bits. */
    static String mode(int stMode) {
        char type = switch (stMode & 0170000) {
            case 0040000 -> 'd';
            case 0020000 -> 'c';
            case 0060000 -> 'b';
            case 0010000 -> 'p';
            case 0120000 -> 'l';
            case 0140000 -> 's';
            default -> '-';
        };
        StringBuilder m = new StringBuilder(10).append(type);
        String rwx = "rwx";
        for (int bit = 8; bit >= 0; bit--) {
            m.append((stMode & (1 << bit)) != 0 ? rwx.charAt(2 - bit % 3) : '-');
        }
        return m.toString();
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
            // the name and the type come from the resolved (real) path, as FilesProcess::_download takes them
            String name = file.getFileName().toString();
            byte[] data = Files.readAllBytes(file);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, mimeType(name));
            response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=" + name);
            response.write(true, ByteBuffer.wrap(data), callback);
        } catch (BadPath e) {
            HttpFront.send(response, callback, 400, TEXT, e.getMessage() + ".\n");
        } catch (IOException e) {
            HttpFront.send(response, callback, 500, TEXT, "Failed to download: " + e.getMessage());
        }
    }

    /**
     * The type for a file name: {@code Path::extension()} (from the last '.', the dot included, none for "." and
     * "..") looked up, case and all, in libprocess's table (process/mime.hpp); anything else is
     * application/octet-stream.
     */
    static String mimeType(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0 || name.equals(".") || name.equals("..")) {
            return OCTET_STREAM;
        }
        return MIME.getOrDefault(name.substring(dot), OCTET_STREAM);
    }

    private static final String OCTET_STREAM = "application/octet-stream";

    /** process/mime.hpp's extension table (Python's mimetypes map of its day), as "type ext ext …" lines. */
    private static final Map<String, String> MIME = new HashMap<>();

    static {
        String[] table = {
            "application/msword .doc .dot .wiz",
            "application/oda .oda",
            "application/octet-stream .a .bin .dll .exe .o .obj .so",
            "application/pdf .pdf",
            "application/pkcs7-mime .p7c",
            "application/postscript .ai .eps .ps",
            "application/vnd.ms-excel .xlb .xls",
            "application/vnd.ms-powerpoint .pot .ppa .pps .ppt .pwz",
            "application/x-bcpio .bcpio",
            "application/x-cpio .cpio",
            "application/x-csh .csh",
            "application/x-dvi .dvi",
            "application/x-gtar .gtar",
            "application/x-hdf .hdf",
            "application/x-javascript .js",
            "application/x-latex .latex",
            "application/x-mif .mif",
            "application/x-netcdf .cdf .nc",
            "application/x-pkcs12 .p12 .pfx",
            "application/x-pn-realaudio .ram",
            "application/x-python-code .pyc .pyo",
            "application/x-sh .sh",
            "application/x-shar .shar",
            "application/x-shockwave-flash .swf",
            "application/x-sv4cpio .sv4cpio",
            "application/x-sv4crc .sv4crc",
            "application/x-tar .tar",
            "application/x-tcl .tcl",
            "application/x-tex .tex",
            "application/x-texinfo .texi .texinfo",
            "application/x-troff .roff .t .tr",
            "application/x-troff-man .man",
            "application/x-troff-me .me",
            "application/x-troff-ms .ms",
            "application/x-ustar .ustar",
            "application/x-wais-source .src",
            "application/xml .rdf .wsdl .xpdl .xsl",
            "application/zip .zip",
            "audio/basic .au .snd",
            "audio/mpeg .mp2 .mp3",
            "audio/x-aiff .aif .aifc .aiff",
            "audio/x-pn-realaudio .ra",
            "audio/x-wav .wav",
            "image/gif .gif",
            "image/ief .ief",
            "image/jpeg .jpe .jpeg .jpg",
            "image/png .png",
            "image/tiff .tif .tiff",
            "image/x-cmu-raster .ras",
            "image/x-ms-bmp .bmp",
            "image/x-portable-anymap .pnm",
            "image/x-portable-bitmap .pbm",
            "image/x-portable-graymap .pgm",
            "image/x-portable-pixmap .ppm",
            "image/x-rgb .rgb",
            "image/x-xbitmap .xbm",
            "image/x-xpixmap .xpm",
            "image/x-xwindowdump .xwd",
            "message/rfc822 .eml .mht .mhtml .nws",
            "text/css .css",
            "text/html .htm .html",
            "text/plain .bat .c .h .ksh .pl .txt",
            "text/richtext .rtx",
            "text/tab-separated-values .tsv",
            "text/x-python .py",
            "text/x-setext .etx",
            "text/x-sgml .sgm .sgml",
            "text/x-vcard .vcf",
            "text/xml .xml",
            "video/mp4 .mp4",
            "video/mpeg .m1v .mpa .mpe .mpeg .mpg",
            "video/quicktime .mov .qt",
            "video/x-msvideo .avi",
            "video/x-sgi-movie .movie",
        };
        for (String line : table) {
            String[] words = line.split(" ");
            for (int i = 1; i < words.length; i++) {
                MIME.put(words[i], words[0]);
            }
        }
    }
}
