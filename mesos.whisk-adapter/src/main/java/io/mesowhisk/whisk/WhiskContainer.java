package io.mesowhisk.whisk;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One running action container (a Mesos task running an OpenWhisk action proxy), as created by {@link
 * WhiskContainerFactory#createContainer}. OpenWhisk's {@code Container} contract in Java.
 *
 * <p>Thread-safe. As in OpenWhisk, {@link #run} may be called concurrently (up to the action's max concurrency);
 * {@link #suspend}, {@link #resume} and {@link #destroy} are serialized by the caller. No method blocks; failures
 * of the action proxy are results ({@link ActionResult.Kind}), not exceptional completions.
 */
@ProviderType
public interface WhiskContainer {

    /** The container's id: its Mesos task id, {@code whisk-<invoker>-<start epoch s>-<counter>}. */
    String id();

    /** The agent host and the host port mapped to the action proxy's port 8080. */
    ContainerAddress address();

    /**
     * Initializes the action: {@code POST /init} with {@code {"value": initializer}}. A refused connection (the
     * proxy not listening yet) is retried until the timeout; anything else is not.
     *
     * @param initializerJson the JSON object OpenWhisk builds ({@code name}, {@code main}, {@code code}, {@code
     *        binary}, {@code env}); must be valid JSON
     * @param timeout the action's time limit for initialization
     * @param maxConcurrent the action's max concurrency: caps the parallel connections of later {@link #run}s
     * @return the result; {@link ActionResult.Kind#OK} only on 200 (OpenWhisk treats every other init outcome as
     *         a developer error)
     * @throws IllegalArgumentException (at once) when the JSON is not valid or the numbers are not positive
     */
    CompletionStage<ActionResult> initialize(String initializerJson, Duration timeout, int maxConcurrent);

    /**
     * Runs the action once: {@code POST /run} with {@code {"value": params}} plus the environment fields
     * ({@code namespace}, {@code action_name}, {@code activation_id}, {@code deadline}, …) as top-level members.
     * Never retried.
     *
     * @param paramsJson the action's parameters, a JSON value
     * @param environmentJson top-level members of the body, each value given as JSON text (e.g. {@code
     *        "\"guest\""} for a string)
     * @param timeout the action's time limit: no answer by then is {@link ActionResult.Kind#TIMEOUT}
     * @param maxConcurrent the action's max concurrency
     * @param maxResponseBytes the largest answer read; a longer one is {@link ActionResult.Kind#TRUNCATED}
     * @param truncation whether a truncated answer is kept (its first {@code maxResponseBytes} bytes in the body);
     *        when false the body of a truncated answer is empty
     * @return the result, classified by OpenWhisk's rules
     * @throws IllegalArgumentException (at once) when a JSON text is not valid or a number is not positive
     */
    CompletionStage<ActionResult> run(String paramsJson, Map<String, String> environmentJson, Duration timeout,
            int maxConcurrent, long maxResponseBytes, boolean truncation);

    /**
     * The container's log lines since the previous call: its stdout and stderr read from the agent's sandbox
     * (the agent's {@code /files/read}), continuing where the last call stopped. With {@code mesos-link-log-message}
     * set, one line linking to the task in the Mesos UI instead (nothing is read).
     *
     * @param limitBytes at most this many bytes of output are returned; more is cut and {@link
     *        LogResult#truncated()} is set
     * @param waitForSentinel when true, reads until {@code XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX} has been seen on
     *        both streams (the marker lines are left out), the limit is reached, or the container ended; when
     *        false, returns what is there now
     * @return the lines; completes exceptionally only when the agent cannot be reached or answers with an error
     *         (the message names the URL and status)
     */
    CompletionStage<LogResult> logs(long limitBytes, boolean waitForSentinel);

    /** As upstream on Mesos: nothing is paused (Mesos cannot freeze a task); completes at once. */
    CompletionStage<Void> suspend();

    /** As upstream on Mesos: nothing to resume; completes at once. */
    CompletionStage<Void> resume();

    /**
     * Kills the container's task; completes when Mesos reports it terminal (at once if it already is), or
     * exceptionally with a {@link java.util.concurrent.TimeoutException} naming the task when that is not confirmed
     * within {@code timeouts.task-delete} (the kill goes on).
     */
    CompletionStage<Void> destroy();

    /**
     * Completes the moment the container's task is terminal, for whatever reason (destroyed, failed, killed behind
     * our back, agent lost); never exceptionally. Lets the owner drop a dead container at once instead of at the
     * next {@code /run}.
     */
    CompletionStage<ContainerEnd> terminated();
}
