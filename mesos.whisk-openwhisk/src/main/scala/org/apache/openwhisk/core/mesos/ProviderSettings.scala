package org.apache.openwhisk.core.mesos

import java.nio.file.{Path, Paths}
import java.util.concurrent.TimeUnit

import scala.concurrent.duration.FiniteDuration
import scala.jdk.CollectionConverters._
import scala.util.Try

import com.typesafe.config.{Config, ConfigList, ConfigObject, ConfigValue, ConfigValueType}

/**
 * The plug-in's own settings, under `whisk.mesos-provider` in the invoker's configuration (so also
 * `-Dwhisk.mesos-provider.bundle-cache=...` or `CONFIG_whisk_mesosProvider_bundleCache=...`):
 *
 *  - `bundle-cache`: the embedded OSGi framework's bundle cache, emptied at every start (default
 *    `<java.io.tmpdir>/mesowhisk-invoker<N>`, N the invoker's instance number);
 *  - `start-timeout`: how long `instance()` waits for the container factory service (default 30 seconds); a refused
 *    `whisk.mesos` configuration that cannot heal ends the wait sooner.
 */
final case class ProviderSettings(bundleCache: Path, startTimeout: FiniteDuration)

object ProviderSettings {
  val Path = "whisk.mesos-provider"

  def apply(config: Config, invokerInstance: Int): ProviderSettings = {
    val cache =
      if (config.hasPath(s"$Path.bundle-cache")) Paths.get(config.getString(s"$Path.bundle-cache"))
      else Paths.get(System.getProperty("java.io.tmpdir"), s"mesowhisk-invoker$invokerInstance")
    val timeout =
      if (config.hasPath(s"$Path.start-timeout"))
        Try(config.getDuration(s"$Path.start-timeout")).fold(
          _ =>
            throw new IllegalArgumentException(
              s"$Path.start-timeout = ${config.getValue(s"$Path.start-timeout").render()}: expected a duration such as " +
                "\"30 seconds\""),
          d => FiniteDuration(d.toMillis, TimeUnit.MILLISECONDS))
      else FiniteDuration(30, TimeUnit.SECONDS)
    ProviderSettings(cache, timeout)
  }
}

/**
 * The invoker's `whisk.mesos` settings as the ConfigAdmin layer of the embedded framework's `whisk.mesos`
 * configuration, whose component (mesos.whisk-adapter) checks them with the same rules and messages as the app.
 *
 * Only values from the invoker's configuration files (its application.conf, `-Dconfig.file`, ...) go into
 * ConfigAdmin. Values that Typesafe Config took from `-Dwhisk.mesos.*` system properties (which is where the invoker's
 * start script puts the `CONFIG_whisk_mesos_*` variables) or environment variables are left out: the adapter reads
 * those layers itself, below ConfigAdmin, and names them as their source in its messages. A key set both in a file and
 * as a system property keeps the system property's value, as Typesafe Config decides.
 */
object WhiskMesosLayer {
  val Path = "whisk.mesos"

  /**
   * A private ConfigAdmin property (a leading dot: not a setting) naming where the values came from, which the
   * adapter shows as their source in its messages instead of a bare "ConfigAdmin".
   */
  val Origin = ".origin"

  /**
   * The keys (relative to `whisk.mesos`, as the PID has them) and values, lists as `String[]`, plus [[Origin]];
   * empty when no value comes from a file.
   */
  def apply(config: Config): Map[String, AnyRef] =
    if (!config.hasPath(Path)) Map.empty
    else {
      val fromFiles = config.getConfig(Path).entrySet().asScala.toList.filter(e => fromFile(e.getValue))
      if (fromFiles.isEmpty) Map.empty
      else {
        val files = fromFiles.flatMap(e => Option(e.getValue.origin()).flatMap(fileOf)).distinct.sorted
        val origin = "the invoker's configuration files" + (if (files.isEmpty) "" else files.mkString(" (", ", ", ")"))
        fromFiles.map(e => unquote(e.getKey) -> value(e.getValue)).toMap + (Origin -> origin)
      }
    }

  private def fileOf(origin: com.typesafe.config.ConfigOrigin): Option[String] =
    Option(origin.filename()).orElse(Option(origin.url()).map(_.toString)).orElse(Option(origin.resource()))

  private def fromFile(value: ConfigValue): Boolean = {
    val description = Option(value.origin()).map(_.description()).getOrElse("")
    !description.startsWith("system properties") && !description.startsWith("env variables")
  }

  // Typesafe Config quotes path elements that contain dots; the PID's keys are plain dotted paths
  private def unquote(key: String): String = key.replace("\"", "")

  private def value(value: ConfigValue): AnyRef = value match {
    case list: ConfigList => list.asScala.map(v => String.valueOf(v.unwrapped())).toArray
    case _: ConfigObject  => value.render()
    case v if v.valueType() == ConfigValueType.NULL => ""
    case v => String.valueOf(v.unwrapped())
  }
}
