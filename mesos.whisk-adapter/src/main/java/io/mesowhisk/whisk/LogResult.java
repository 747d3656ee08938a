package io.mesowhisk.whisk;

import java.util.List;

/**
 * Log lines of a container collected by one {@link WhiskContainer#logs} call.
 *
 * @param lines OpenWhisk's JSON log lines, one per line of output, in the order read: {@code
 *        {"log":"<text>\n","stream":"stdout"|"stderr","time":"<ISO-8601>"}} (the time is when the line was read),
 *        as docker's json-file driver writes them; or, when {@code mesos-link-log-message} is true, one such line
 *        whose text is the link to the task in the Mesos UI
 * @param truncated true when the limit cut the output: the last line is then OpenWhisk's notice
 *        "Logs were truncated because the total bytes size exceeds the limit of N bytes."
 * @param sentinelSeen true when the activation's end marker was seen on both streams (when awaited)
 */
public record LogResult(List<String> lines, boolean truncated, boolean sentinelSeen) {

    /** Copies the list; the record is immutable. */
    public LogResult {
        lines = List.copyOf(lines);
    }
}
