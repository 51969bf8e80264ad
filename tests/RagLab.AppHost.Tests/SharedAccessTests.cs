namespace RagLab.AppHost.Tests;

/// <summary>
/// RagLab:Access:Mode=shared given to the AppHost: the Api gets the access settings (key entries hold only hashes) and the Web
/// the API key from a secret parameter, never a literal. The default, local mode, adds neither.
/// </summary>
public class SharedAccessTests
{
    private const string Hash = "pbkdf2-sha256$10000$c2FsdHNhbHRzYWx0c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    [Fact]
    public async Task In_shared_mode_the_web_calls_the_api_with_a_secret_parameter_and_the_api_gets_the_key_entries()
    {
        var model = await AppModel.CreateAsync([.. MachineArguments.NothingInstalled, "--RagLab:Access:Mode=shared",
            "--RagLab:Access:Keys:0:Name=web", "--RagLab:Access:Keys:0:Role=admin", $"--RagLab:Access:Keys:0:Hash={Hash}"]);

        var parameter = model.Resource<ParameterResource>("raglab-api-key");
        Assert.True(parameter.Secret);
        Assert.Equal("{raglab-api-key.value}", (await model.EnvironmentOf("web"))["RagLab__ApiKey"]);
        var api = await model.EnvironmentOf("api");
        Assert.Equal("shared", api["RagLab__Access__Mode"]);
        Assert.Equal("web", api["RagLab__Access__Keys__0__Name"]);
        Assert.Equal(Hash, api["RagLab__Access__Keys__0__Hash"]);
        // The secret reaches the Web only: the Api has no use for it.
        Assert.DoesNotContain(api.Values, v => v.Contains("raglab-api-key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_local_mode_there_is_no_key_and_no_access_setting()
    {
        var model = await AppModel.CreateAsync(MachineArguments.NothingInstalled);

        Assert.DoesNotContain(model.Builder.Resources, r => r.Name == "raglab-api-key");
        Assert.DoesNotContain("RagLab__ApiKey", (await model.EnvironmentOf("web")).Keys);
        Assert.DoesNotContain((await model.EnvironmentOf("api")).Keys, k => k.StartsWith("RagLab__Access__", StringComparison.Ordinal));
    }
}
