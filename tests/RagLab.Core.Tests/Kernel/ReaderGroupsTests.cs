using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Kernel;

/// <summary>How document groups are written down, and how reader views are keyed and compared.</summary>
public class ReaderGroupsTests
{
    [Fact]
    public void Document_groups_are_trimmed_distinct_and_sorted_and_none_means_everyone()
    {
        Assert.Equal(["finance", "hr"], DocumentGroups.Normalize([" hr", "finance", "hr ", ""]));
        Assert.Null(DocumentGroups.Normalize([]));
        Assert.Null(DocumentGroups.Normalize(["  "]));
        Assert.Equal(["finance", "hr"], DocumentGroups.ParseFormValues(["hr,finance", "hr"]));
        Assert.True(DocumentGroups.Same(null, []));
        Assert.False(DocumentGroups.Same(["hr"], null));
    }

    [Theory]
    [InlineData("a,b", "comma")]
    [InlineData("tab\there", "control character")]
    public void A_group_name_that_cannot_be_told_apart_is_refused(string name, string expected)
    {
        var error = Assert.Throws<ValidationException>(() => DocumentGroups.Normalize([name]));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Cache_keys_never_let_two_different_views_share_an_answer()
    {
        // A token may carry a group whose name has a comma: its Key reads like two groups', its cache key must not.
        var two = ReaderScope.OfGroups(["a", "b"]);
        var one = ReaderScope.OfGroups(["a,b"]);
        Assert.Equal(two.Key, one.Key);
        Assert.NotEqual(two.CacheKey(), one.CacheKey());
        Assert.Equal(two.CacheKey(), ReaderScope.OfGroups(["b", "a"]).CacheKey());
        Assert.NotEqual(ReaderScope.Everything.CacheKey(), ReaderScope.OfGroups([]).CacheKey());
        Assert.NotEqual(ReaderScope.Everything.CacheKey(), ReaderScope.OfGroups(["*"]).CacheKey());
    }

    [Fact]
    public void A_view_covers_the_views_it_sees_all_of()
    {
        var hr = ReaderScope.OfGroups(["hr"]);
        var both = ReaderScope.OfGroups(["hr", "finance"]);
        Assert.True(ReaderScope.Everything.Covers(both));
        Assert.True(both.Covers(hr));
        Assert.True(hr.Covers(ReaderScope.OfGroups([])));
        Assert.False(hr.Covers(both));
        Assert.False(both.Covers(ReaderScope.Everything));
        Assert.Equal(both.Key, ReaderScopeKeys.FromGroupList(both.ToGroupList()).Key);
        Assert.True(ReaderScopeKeys.FromGroupList(ReaderScope.Everything.ToGroupList()).IsEverything);
    }
}
