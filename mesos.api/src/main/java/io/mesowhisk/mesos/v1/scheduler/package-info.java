/**
 * Mesos v1 scheduler API messages ({@code mesos.v1.scheduler}: {@code Call} and {@code Event}), generated at
 * build time from this bundle's own {@code .proto} files.
 */
@Export
@Version("1.0.0")
package io.mesowhisk.mesos.v1.scheduler;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
