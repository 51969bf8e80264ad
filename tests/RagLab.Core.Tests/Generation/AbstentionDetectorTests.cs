using RagLab.Core.Generation;

namespace RagLab.Core.Tests.Generation;

public class AbstentionDetectorTests
{
    [Theory]
    [InlineData(AbstentionDetector.CanonicalPhrase)]
    [InlineData("the documents do not contain the answer")]
    [InlineData("The provided context does not contain any information about the refund policy.")]
    [InlineData("I'm sorry, but the context doesn't mention when the office opens.")]
    [InlineData("I don't know based on the provided context.")]
    [InlineData("I don’t know.")]
    [InlineData("Based on the documents, I cannot answer this question.")]
    [InlineData("The answer is not mentioned in the provided documents.")]
    [InlineData("There is no information about pricing in the sources.")]
    [InlineData("The given passages do not specify a deadline.")]
    [InlineData("Unfortunately, I am unable to find that in the documents.")]
    [InlineData("The context provides insufficient information to answer.")]
    [InlineData("THE SOURCES DO NOT SAY.")]
    public void Recognises_refusals(string answer)
    {
        Assert.True(AbstentionDetector.IsAbstention(answer));
    }

    [Theory]
    [InlineData("According to the documents, snapshots are kept for 30 days [1].")]
    [InlineData("The documents describe three installation steps: download, run and reboot [2].")]
    [InlineData("The context explains that the key is derived from the passphrase [1].")]
    [InlineData("Snapshots are kept for 30 days.")]
    [InlineData("The export file does not contain personal data [3].")]
    [InlineData("The documents do not mention a fee, but the service is listed as free of charge [2].")]
    [InlineData("Snapshots are kept for 30 days [1]. They are encrypted [2]. The key comes from your passphrase [2]. The documents do not mention cloud storage.")]
    [InlineData("")]
    [InlineData("   ")]
    public void Does_not_flag_real_answers_or_mere_mentions_of_documents(string answer)
    {
        Assert.False(AbstentionDetector.IsAbstention(answer));
    }

    [Fact]
    public void The_canonical_phrase_inside_a_longer_reply_still_counts()
    {
        Assert.True(AbstentionDetector.IsAbstention("Sorry. " + AbstentionDetector.CanonicalPhrase + " Try another question."));
    }
}
