package io.mesowhisk.mesos.constraints;

import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What is already placed for the placement group of the task being evaluated (Marathon's "app"): tasks running
 * before the pass plus tasks placed earlier in the same pass. Operators such as UNIQUE, CLUSTER, GROUP_BY and MAX_PER
 * read it; LIKE and UNLIKE ignore it.
 *
 * <p>Counts are by the value a constraint field has on the agent where each task runs: the hostname for
 * {@value OfferView#HOSTNAME}, otherwise the attribute's text form. Valid only during the call it is passed to; not
 * thread-safe.
 */
@ProviderType
public interface PlacementContext {

    /** The placement group (e.g. the action) the counts are for. */
    String group();

    /** Number of tasks of the group placed so far. */
    int placedCount();

    /** Number of tasks of the group on agents whose {@code field} has exactly {@code value}. */
    int placedCount(String field, String value);

    /**
     * Tasks of the group per value of {@code field}; tasks on agents without that attribute are not in the map (their
     * number is {@code placedCount() - sum of the map}). Unmodifiable.
     */
    Map<String, Integer> placedCounts(String field);
}
