package io.mesowhisk.mesos.constraints;

import java.util.SortedSet;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told when the set of available operators changes, so a consumer can revalidate its configuration (e.g. compile a
 * configuration that was rejected because its operator was missing, or report sets that now have a problem).
 * Called on the thread that changed the operators, outside any lock; must not block.
 */
@ConsumerType
public interface OperatorListener {

    /**
     * @param available the operator names available now, sorted
     * @param generation the compiler's new {@link ConstraintCompiler#generation()}
     */
    void operatorsChanged(SortedSet<String> available, long generation);
}
