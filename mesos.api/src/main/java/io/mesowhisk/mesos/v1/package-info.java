/**
 * Mesos v1 messages ({@code mesos.v1}), generated at build time from this bundle's own {@code .proto} files.
 *
 * <p>Names, field numbers, types, labels and defaults are those of Apache Mesos 1.11's v1 definitions; fields
 * outside the subset survive a round trip as unknown fields.
 */
@Export
@Version("1.0.0")
package io.mesowhisk.mesos.v1;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
