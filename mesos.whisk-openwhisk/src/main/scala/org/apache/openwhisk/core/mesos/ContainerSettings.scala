package org.apache.openwhisk.core.mesos

import scala.jdk.CollectionConverters._

import com.typesafe.config.Config

/**
 * What the invoker's configuration says about containers, read as OpenWhisk reads it:
 * `whisk.container-factory.container-args` (network, DNS, extra environment, extra docker arguments) and the image
 * registries `whisk.container-factory.runtimes-registry.url` (managed runtimes) and `user-images-registry.url`
 * (blackbox images).
 */
final case class ContainerSettings(network: String,
                                   dnsServers: Seq[String],
                                   dnsSearch: Seq[String],
                                   dnsOptions: Seq[String],
                                   extraEnvVars: Seq[String],
                                   extraArgs: Map[String, Set[String]],
                                   runtimesRegistry: Option[String],
                                   userImagesRegistry: Option[String]) {

  /** As OpenWhisk's `ContainerArgsConfig.extraEnvVarMap`: `K=V` gives K → V, a bare `K` gives K → "". */
  def extraEnvVarMap: Map[String, String] =
    extraEnvVars.flatMap {
      _.split("=", 2) match {
        case Array(key)        => Some(key -> "")
        case Array(key, value) => Some(key -> value)
        case _                 => None
      }
    }.toMap

  /** The registry an image is resolved against (OpenWhisk's `ContainerFactory.resolveRegistryConfig`). */
  def registry(userProvidedImage: Boolean): Option[String] =
    (if (userProvidedImage) userImagesRegistry else runtimesRegistry).filter(_.nonEmpty)
}

object ContainerSettings {
  val ArgsPath = "whisk.container-factory.container-args"
  val RuntimesRegistryPath = "whisk.container-factory.runtimes-registry.url"
  val UserImagesRegistryPath = "whisk.container-factory.user-images-registry.url"

  /** OpenWhisk's defaults (the invoker's application.conf): network bridge, nothing else. */
  val Default = ContainerSettings("bridge", Nil, Nil, Nil, Nil, Map.empty, None, None)

  def apply(config: Config): ContainerSettings = {
    def string(path: String): Option[String] = if (config.hasPath(path)) Some(config.getString(path)) else None
    def list(key: String): Seq[String] = {
      val path = s"$ArgsPath.$key"
      if (config.hasPath(path)) config.getStringList(path).asScala.toSeq else Nil
    }
    val extraArgs: Map[String, Set[String]] =
      if (!config.hasPath(s"$ArgsPath.extra-args")) Map.empty
      else {
        val args = config.getConfig(s"$ArgsPath.extra-args")
        args.root().keySet().asScala.map(key => key -> args.getStringList(quoted(key)).asScala.toSet).toMap
      }
    ContainerSettings(
      network = string(s"$ArgsPath.network").getOrElse(Default.network),
      dnsServers = list("dns-servers"),
      dnsSearch = list("dns-search"),
      dnsOptions = list("dns-options"),
      extraEnvVars = list("extra-env-vars"),
      extraArgs = extraArgs,
      runtimesRegistry = string(RuntimesRegistryPath),
      userImagesRegistry = string(UserImagesRegistryPath))
  }

  private def quoted(key: String): String = if (key.contains(".")) "\"" + key + "\"" else key
}
