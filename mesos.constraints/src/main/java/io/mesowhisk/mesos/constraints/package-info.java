/**
 * Placement constraints for Mesos offers: the constraint language
 * ({@code <attribute><delimiter><OPERATOR>[<delimiter><value>]}), the operator SPI ({@link ConstraintOperator},
 * one OSGi service per operator name), the compiler that turns configured constraint strings into interned,
 * reusable {@link ConstraintSet}s, and the {@link PlacementEngine} that assigns pending tasks to offers in one pass.
 *
 * <p>The model ({@link OfferView}, {@link Attribute}, {@link TaskRequest}, {@link PlacedTask}) is neutral: it does
 * not depend on the Mesos protobuf classes. The scheduler converts Mesos offers to {@link OfferView}s; attribute
 * values carry Mesos's text form (see {@link Attribute}).
 */
@Export
@Version("1.1.0")
package io.mesowhisk.mesos.constraints;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
