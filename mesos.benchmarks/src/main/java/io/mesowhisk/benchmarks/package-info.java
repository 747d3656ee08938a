/**
 * JMH benchmarks, one sub-package per bundle under test. Run with
 * {@code java -jar mesos.benchmarks/target/benchmarks.jar <regex>} after {@code mvn -DskipTests package}.
 */
package io.mesowhisk.benchmarks;
